"""Running 'hmc' on a database of its own, as a user does: a process, its output, its events."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

HMC = str(Path(sys.executable).with_name("hmc"))
TEST_DATA = Path(__file__).parent / "data"  # see its SOURCES.md


def hmc(database: Path, *args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``hmc ARGS`` with HMC_DATABASE_URL pointing at the SQLite file ``database``."""
    return subprocess.run(
        [HMC, *map(str, args)],
        env=environment(database),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def environment(database: Path) -> dict[str, str]:
    """The environment of an 'hmc' process on ``database`` (wide output, no colour)."""
    return {
        **os.environ,
        "HMC_DATABASE_URL": f"sqlite:///{database}",
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }


def ok(database: Path, *args: str | Path, stdin: str = "") -> str:
    """The standard output of ``hmc ARGS``, which must succeed."""
    done = hmc(database, *args, stdin=stdin)
    assert done.returncode == 0, f"hmc {args}: {done.stdout}\n{done.stderr}"
    return " ".join(done.stdout.split())  # the console wraps long lines


def exported(database: Path, *filters: str) -> list[dict[str, Any]]:
    """The events ``hmc events --export json`` writes (with ``filters``), one per line."""
    out = hmc(database, "events", "--export", "json", *filters)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def copy_database(source: Path, target: Path) -> Path:
    """A copy of the SQLite database ``source`` (with what its write-ahead log holds)."""
    with closing(sqlite3.connect(source)) as old, closing(sqlite3.connect(target)) as new:
        old.backup(new)
    return target


def counts(database: Path) -> dict[str, int]:
    """Rows in the tables an import writes to."""
    tables = ("event", "observation", "import_batch", "source", "event_link", "audit_record")
    with closing(sqlite3.connect(database)) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in tables
        }
