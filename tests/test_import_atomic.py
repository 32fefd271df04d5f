"""An import killed midway ('kill -9', for real) leaves the database exactly as it was.

'hmc import' runs as its own process on a SQLite database that already holds an import; it
is killed with SIGKILL while it writes a big file, then the database is compared with what
it held before, its audit chain verified, and the same import run again to its end.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

from importing import HMC, TEST_DATA, counts, environment, hmc, ok

GED_CUT = TEST_DATA / "ucdp_ged_syria_2016q1_cut.csv"
BIG = 300_000  # rows: an import of several seconds on a shared machine
UNDER_WAY = 4 << 20  # bytes in the write-ahead log: rows of the big file are being written
WAIT = 120  # seconds before the test gives up waiting
FIRST_DAY = date(1990, 1, 1)


def write_ged(path: Path, rows: int) -> None:
    """``rows`` UCDP GED rows in the cut's columns, cycling its rows with new ids and days."""
    with GED_CUT.open(newline="", encoding="utf-8") as handle:
        cut = list(csv.DictReader(handle))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(cut[0]))
        writer.writeheader()
        for n in range(rows):
            day = (FIRST_DAY + timedelta(days=n % 10_000)).isoformat()
            given = {"id": str(50_000_000 + n), "date_start": day, "date_end": day}
            writer.writerow(cut[n % len(cut)] | given | {"year": day[:4]})


def kill_when_writing(database: Path, big: Path) -> int:
    """Start ``hmc import big``, SIGKILL it once it is writing rows; its return code."""
    wal = database.with_name(database.name + "-wal")
    before = wal.stat().st_size if wal.exists() else 0
    process = subprocess.Popen(
        [HMC, "import", str(big), "--format", "ucdp-ged"],
        env=environment(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WAIT
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size > before + UNDER_WAY:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        if process.poll() is None and time.monotonic() >= deadline:
            process.kill()
        code = process.wait(timeout=WAIT)
    return code


def test_an_import_killed_midway_leaves_nothing(tmp_path: Path) -> None:
    database = tmp_path / "hmc.db"
    ok(database, "init")
    first = ok(database, "import", GED_CUT)
    assert "imported ucdp_ged_syria_2016q1_cut.csv as ucdp-ged: 64 rows, 64 events" in first
    before = counts(database)
    assert before["event"] == 64 and before["import_batch"] == 1
    big = tmp_path / "ged-big.csv"
    write_ged(big, BIG)

    assert kill_when_writing(database, big) == -signal.SIGKILL  # killed, not ended

    assert counts(database) == before
    verified = hmc(database, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "ged-big.csv" not in ok(database, "imports")

    done = ok(database, "import", big, "--format", "ucdp-ged")
    assert f"imported ged-big.csv as ucdp-ged: {BIG:,} rows, {BIG:,} events," in done
    after = counts(database)
    assert after["event"] == before["event"] + BIG
    assert after["import_batch"] == before["import_batch"] + 1
    again = ok(database, "import", big, "--format", "ucdp-ged")
    assert "ged-big.csv: already imported" in again and "nothing added" in again
    assert counts(database)["event"] == after["event"]
    assert hmc(database, "audit", "verify").returncode == 0
