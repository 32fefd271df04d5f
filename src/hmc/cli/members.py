"""Commands for members and their API tokens: ``hmc member ...``, ``hmc token ...``."""

from __future__ import annotations

from hmc.cli.base import sub_app

member = sub_app("member", "Members of the parties, and the installation's administrators.")
token = sub_app("token", "Personal API tokens (Authorization: Bearer …).")
