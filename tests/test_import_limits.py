"""Imports that cannot run as asked: while another one runs, or too big for the memory.

A second import into a database waits for the first to end, or says it is busy; on SQLite
and on a throwaway PostgreSQL server (see postgres.py). A file whose import would not fit
in the memory available is refused before it is read whole.
"""

from __future__ import annotations

import dataclasses
import gzip
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from hmc.accounts import Actor
from hmc.errors import Busy, EvidenceError
from hmc.evidence import service
from hmc.evidence.importers import FORMATS, Parsed, csvfile
from hmc.evidence.models import Event, ImportBatch, Observation, Source
from hmc.evidence.schemas import ImportReport
from hmc.evidence.service import bundled_files, import_file
from hmc.storage.engine import get_engine, migrate, session_scope

TESTER = Actor.system("tests")
ESOC = next(path for path, format in bundled_files() if format == "esoc-weekly")
WAIT = 30  # seconds a test waits for a thread before it fails
SIGACT_HEADER = "datetime,epoch_seconds,event_type,target,city\n"
SIGACT_ROW = "2004-01-01 00:20,1072916400,IED,Coalition Forces,Baghdad\n"
MIB = 1 << 20


def run(engine: Engine, path: Path, format: str) -> ImportReport:
    with session_scope(engine) as session:
        return import_file(session, path=path, format=format, actor=TESTER)


def table_sizes(engine: Engine) -> tuple[int, int, int, int]:
    """Rows in the event, observation, import_batch and source tables."""
    with session_scope(engine) as session:

        def count(model: type[Event | Observation | ImportBatch | Source]) -> int:
            return session.execute(select(func.count()).select_from(model)).scalar_one()

        return count(Event), count(Observation), count(ImportBatch), count(Source)


# --- Two imports at once ---------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database as hmc opens it, on SQLite or PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'hmc.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = get_engine.__wrapped__(url)  # hmc's engine (SQLite's pragmas), not cached
    migrate(engine)
    yield engine
    engine.dispose()


class Holding:
    """An import in a thread of its own that stops, holding its lock, once it writes rows."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.writing = threading.Event()
        self.release = threading.Event()
        self.outcome: list[ImportReport | Exception] = []
        self.thread = threading.Thread(target=self._run, args=(engine, path))
        self.thread.start()
        assert self.writing.wait(WAIT), "the first import never wrote"

    def _progress(self, done: int, total: int) -> None:
        if not self.writing.is_set():
            self.writing.set()
            assert self.release.wait(WAIT)

    def _run(self, engine: Engine, path: Path) -> None:
        try:
            with session_scope(engine) as session:
                report = import_file(
                    session, path=path, format="esoc-weekly", actor=TESTER, progress=self._progress
                )
            self.outcome.append(report)
        except Exception as exc:
            self.outcome.append(exc)

    def end(self) -> ImportReport:
        """Let the import go on; what it reported."""
        self.release.set()
        self.thread.join(WAIT)
        (report,) = self.outcome
        assert isinstance(report, ImportReport), report
        return report


class Waiting:
    """An import in a thread of its own, started once the first holds its lock."""

    def __init__(self, engine: Engine, path: Path, parsed: threading.Semaphore) -> None:
        self.outcome: list[ImportReport | Exception] = []
        self.thread = threading.Thread(target=self._run, args=(engine, path))
        self.thread.start()
        assert parsed.acquire(timeout=WAIT), "the second import never parsed its file"

    def _run(self, engine: Engine, path: Path) -> None:
        try:
            self.outcome.append(run(engine, path, "esoc-weekly"))
        except Exception as exc:
            self.outcome.append(exc)

    def report(self) -> ImportReport:
        self.thread.join(WAIT)
        (report,) = self.outcome
        assert isinstance(report, ImportReport), report  # e.g. UNIQUE constraint failed
        return report


def test_a_second_import_waits_for_the_first(
    database: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same file (found imported once the first ends), and other bytes of one source."""
    copy = tmp_path / "esoc_copy.csv"
    copy.write_bytes(ESOC.read_bytes() + b"\n")
    first = Holding(database, ESOC)
    parsed = threading.Semaphore(0)
    esoc = FORMATS["esoc-weekly"]

    def parse_then_say(file: csvfile.CsvFile) -> Parsed:
        found = esoc.parse(file)
        parsed.release()
        return found

    monkeypatch.setitem(FORMATS, "esoc-weekly", dataclasses.replace(esoc, parse=parse_then_say))
    same, other = Waiting(database, ESOC, parsed), Waiting(database, copy, parsed)
    time.sleep(0.5)  # both reach the lock the first holds
    assert same.thread.is_alive() and other.thread.is_alive()  # waiting
    report = first.end()
    assert (report.observations_added, report.already_imported) == (30_096, False)
    again = same.report()
    assert (again.already_imported, again.batch_id) == (True, report.batch_id)
    copied = other.report()
    assert (copied.observations_added, copied.duplicates) == (0, 30_096)
    assert table_sizes(database) == (0, 30_096, 2, 1)


def impatient(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``session`` wait 0.2 s for a lock rather than 15 s."""
    monkeypatch.setattr(service, "BUSY_TIMEOUT_MS", 200)  # PostgreSQL's lock_timeout
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA busy_timeout = 200"))


def test_a_second_import_that_cannot_wait_says_busy(
    database: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "esoc_copy.csv"
    copy.write_bytes(ESOC.read_bytes() + b"\n")
    first = Holding(database, ESOC)
    try:
        with pytest.raises(Busy) as caught, session_scope(database) as session:
            impatient(session, monkeypatch)
            import_file(session, path=copy, format="esoc-weekly", actor=TESTER)
    finally:
        report = first.end()
    assert caught.value.message == (
        "esoc_copy.csv: not imported: another import is running into this database; "
        "try again when it ends"
    )
    assert caught.value.details == {"file": "esoc_copy.csv"}
    assert table_sizes(database) == (0, 30_096, 1, 1)  # the first import's, nothing else
    with session_scope(database) as session:  # once the first has ended, it goes through
        impatient(session, monkeypatch)
        again = import_file(session, path=copy, format="esoc-weekly", actor=TESTER)
    assert (again.batch_id > report.batch_id, again.duplicates) == (True, 30_096)


# --- Files too big for the memory available --------------------------------------------


def sigacts_file(path: Path, size: int) -> Path:
    """A SIGACT file of about ``size`` bytes: distinct rows, all valid."""
    rows = size // len(SIGACT_ROW)
    text = "".join(SIGACT_ROW.replace("1072916400", f"{n:010d}") for n in range(rows))
    path.write_text(SIGACT_HEADER + text)
    return path


def test_sigacts_memory_factor_is_the_measured_one() -> None:
    """Measured on the bundled file (see sigacts.py): 26.4 bytes per byte of CSV."""
    assert FORMATS["sigacts"].memory_factor == 27
    assert all(fmt.memory_factor > 1 for fmt in FORMATS.values())


def test_a_file_that_would_not_fit_in_memory_is_refused(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "available_memory", lambda: 64 * MIB)
    big = sigacts_file(tmp_path / "big.csv", 3 * MIB)
    size = big.stat().st_size
    with pytest.raises(EvidenceError) as caught:
        run(engine, big, "sigacts")
    assert caught.value.message == (
        f"big.csv: holds {size:,} bytes, which would take about {size * 27 / MIB:.1f} MiB of "
        "memory to import (27 bytes per byte of CSV in this format), and 64.0 MiB is "
        "available (split it into smaller files, or free memory)"
    )
    assert caught.value.details == {"file": "big.csv"}
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Source)).scalar_one() == 0
    # What fits is imported: 2 MiB of CSV needs 54 MiB.
    fits = sigacts_file(tmp_path / "fits.csv", 2 * MIB)
    assert run(engine, fits, "sigacts").events_added == 2 * MIB // len(SIGACT_ROW)


def test_the_factor_is_the_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes fit as one format and not as another (ESOC takes 105 a byte)."""
    monkeypatch.setattr(csvfile, "available_memory", lambda: 100 * MIB)
    path = tmp_path / "f.csv"
    path.write_bytes(b"x" * (2 * MIB))
    assert len(csvfile.read_bytes(path, FORMATS["sigacts"].memory_factor)) == 2 * MIB
    with pytest.raises(EvidenceError, match=r"about 210\.0 MiB of memory .* 100\.0 MiB is"):
        csvfile.read_bytes(path, FORMATS["esoc-weekly"].memory_factor)


def test_a_plain_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "available_memory", lambda: 16 * MIB)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (32 * MIB))
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceError, match=r"^big\.csv: holds 33,554,432 bytes, which"):
            csvfile.read_bytes(big, 27)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MIB  # never read


def test_a_compressed_file_is_refused_as_it_decompresses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvfile, "available_memory", lambda: 16 * MIB)
    packed = tmp_path / "big.csv.gz"
    packed.write_bytes(gzip.compress(SIGACT_HEADER.encode() + b"0" * (64 * MIB)))  # 64 KiB
    tracemalloc.start()
    try:
        with pytest.raises(EvidenceError) as caught:
            csvfile.read_bytes(packed, 27)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.message == (
        "big.csv.gz: decompresses to at least 1,048,576 bytes, which would take at least "
        "27.0 MiB of memory to import (27 bytes per byte of CSV in this format), and 16.0 MiB "
        "is available (split it into smaller files, or free memory)"
    )
    assert peak < 8 * MIB  # stopped at the first mebibyte, never inflated whole (64 MiB)


def test_available_memory_is_what_linux_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       2048 kB\nMemFree:     10 kB\nMemAvailable:     123 kB\n")
    own = tmp_path / "cgroup"
    own.write_text("0::/hmc.scope\n")
    monkeypatch.setattr(csvfile, "MEMINFO", meminfo)
    monkeypatch.setattr(csvfile, "OWN_CGROUP", own)
    monkeypatch.setattr(csvfile, "CGROUPS", tmp_path)
    assert csvfile.available_memory() == 123 * 1024
    limit = tmp_path / "hmc.scope" / "memory.max"
    limit.parent.mkdir()
    limit.write_text("100000\n")  # a container's limit, below what the host has
    assert csvfile.available_memory() == 100_000
    limit.write_text("max\n")  # no limit
    assert csvfile.available_memory() == 123 * 1024
    meminfo.unlink()  # not Linux: the fixed limit
    assert csvfile.available_memory() == csvfile.FALLBACK_MEMORY == 4 << 30


def test_available_memory_here_is_some() -> None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        assert csvfile.available_memory() == csvfile.FALLBACK_MEMORY
        return
    total = next(
        int(line.split()[1]) * 1024
        for line in meminfo.read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    assert 0 < csvfile.available_memory() <= total
