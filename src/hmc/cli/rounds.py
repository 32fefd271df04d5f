"""Commands for assessment rounds: ``hmc round open|status|sign``."""

from __future__ import annotations

from hmc.cli.base import sub_app

round_ = sub_app("round", "Assessment rounds: open one, see where it stands, sign it.")
