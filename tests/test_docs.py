"""Every command and every setting is documented where a user looks for it."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer.main
from sqlalchemy import Engine
from typer.testing import CliRunner

from conftest import DEMO_PASSWORD
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


def _readme_commands() -> list[str]:
    """Each ``hmc …`` line of the README's shell blocks, continuation lines joined, comments cut."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#.*$", "", line.strip())
            found += [part.strip() for part in command.split("&&") if part.strip()]
    return [c for c in found if c.startswith("hmc ")]


def test_readme_tour_runs_as_written(
    demo_copy: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command of the README, in its order, on a copy of what 'hmc demo' built."""
    monkeypatch.chdir(tmp_path)  # the files the tour writes (report.pdf, ev.parquet...)
    runner = CliRunner()
    password = f"{DEMO_PASSWORD}\n" * 2  # a --user's password; a new one asked twice
    commands = [c for c in _readme_commands() if not c.startswith("hmc serve")]  # never returns
    assert len(commands) > 30
    said: dict[str, str] = {}
    for command in commands:
        if "HASH" in command:
            command = command.replace("HASH", said["hmc audit head"].strip())
        args = [  # the files of the checkout the tour names, wherever the test runs
            str(ROOT / arg) if arg.startswith(("src/", "benchmarks/")) else arg
            for arg in shlex.split(command)[1:]
        ]
        result = runner.invoke(app, args, input=password)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        said[command] = result.output
    assert "Usage" in said["hmc --help"]
    exported = said["hmc events --source ucdp-candidate --export csv"].splitlines()
    assert len(exported) > 3 and exported[1].split(",")[1] == "ucdp-candidate"  # rows, not a header
    assert "intact" in said["hmc audit verify"]
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
    assert "BEGIN:VCALENDAR" in (tmp_path / "meetings.ics").read_text(encoding="utf-8")
    extracted = json.loads(
        said["hmc news extract benchmarks/news/reports/en01.txt --published 2024-01-21 --json"]
    )
    assert extracted["items"] and extracted["document"]["language"] == "en"
