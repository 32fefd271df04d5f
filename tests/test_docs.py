"""Every command and every setting is documented where a user looks for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from hmc.cli import app
from hmc.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_command_in_readme(command: str) -> None:
    assert f"hmc {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_documented(name: str) -> None:
    assert f"`HMC_{name.upper()}`" in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")


def test_readme_links_exist() -> None:
    for target in ("docs/configuration.md", "docs/evidence.md", "docs/settings.md", "docs/adr/"):
        assert (ROOT / target).exists(), target
