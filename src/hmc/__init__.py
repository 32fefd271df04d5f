"""hmc: the workspace of a bilateral military commission."""

__version__ = "0.1.0"
