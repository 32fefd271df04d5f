"""Commands for the audit trail: ``hmc audit verify``, ``hmc audit head``."""

from __future__ import annotations

from hmc.cli.base import sub_app

audit = sub_app("audit", "The hash-chained audit trail: verify it, print its head.")
