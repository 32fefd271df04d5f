"""The ``hmc`` command line (Typer + Rich)."""

from hmc.cli.app import app, main

__all__ = ["app", "main"]
