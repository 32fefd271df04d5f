"""The pages' access to the message catalogue (:mod:`hmc.locale`)."""

from __future__ import annotations

from hmc.locale import DEFAULT, configured, counted, direction, language, translate

__all__ = ["DEFAULT", "configured", "counted", "direction", "language", "translate"]
