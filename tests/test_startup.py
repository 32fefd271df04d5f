"""A command starts at once: asking hmc for help loads none of the heavy libraries.

Each is imported where it is used (the kappa computation, forecasting, the report, the
engines, the file readers), so ``hmc --help``, ``hmc --version`` and every command's
``--help`` answer without them. Checked in a fresh interpreter, as a user's shell runs hmc.
"""

from __future__ import annotations

import json
import subprocess
import sys

import typer.main

from hmc.cli import app

HEAVY = ["sklearn", "scipy", "statsmodels", "weasyprint", "ibis", "pandas", "pyarrow", "duckdb"]
PROBE = """
import contextlib, io, json, sys
from hmc.cli import app
heavy, first = set(json.loads(sys.argv[1])), {}
for args in json.loads(sys.argv[2]):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        app(args, standalone_mode=False)
    for name in sorted({n.split(".")[0] for n in sys.modules} & heavy - set(first)):
        first[name] = " ".join(args)
print(json.dumps(first))
"""


def _first_loaded(*runs: list[str]) -> dict[str, str]:
    """Each heavy library a fresh interpreter loaded running ``runs`` in turn: the first run."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(HEAVY), json.dumps(runs)],
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, str] = json.loads(done.stdout)
    return found


def test_help_and_version_load_no_heavy_library() -> None:
    assert _first_loaded(["--help"], ["--version"]) == {}


def test_every_command_help_loads_no_heavy_library() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    runs = [[name, "--help"] for name in sorted(commands)]
    runs += [
        [name, sub, "--help"]
        for name, command in sorted(commands.items())
        for sub in sorted(getattr(command, "commands", {}))
    ]
    assert len(runs) > 40
    assert _first_loaded(*runs) == {}


def test_the_probe_sees_a_heavy_library_loaded() -> None:
    """The check can fail: a run that imports pandas is caught, and named."""
    found = _first_loaded(["--help"], ["indicators", "--export", "csv", "--help"])
    assert found == {}
    probe = PROBE.replace("from hmc.cli import app", "from hmc.cli import app; import pandas")
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(HEAVY), json.dumps([["--help"]])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["pandas"] == "--help"
