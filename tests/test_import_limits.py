"""Imports that cannot run as asked: while another one runs; and files of any size.

A second import into a database waits for the first to end, or says it is busy; on SQLite
and on a throwaway PostgreSQL server (see postgres.py). A file is streamed: its size does
not change the memory an import takes, and a row too long to be one is refused.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.errors import Busy
from hmc.evidence import service
from hmc.evidence.importers import csvfile
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
        url = request.getfixturevalue("migrated_postgres_url")
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
        assert parsed.acquire(timeout=WAIT), "the second import never read its file"

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

    def hash_then_say(path: Path, *, text: bool) -> str:
        found = csvfile.digest(path, text=text)
        parsed.release()
        return found

    monkeypatch.setattr(service, "digest", hash_then_say)
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


# --- Files of any size ----------------------------------------------------------------


def peak_mib(code: str) -> tuple[int, str]:
    """The peak memory (MiB) of a fresh Python process running ``code``, and what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport resource; print(resource.getrusage("
         "resource.RUSAGE_SELF).ru_maxrss // 1024)"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )  # fmt: skip
    *said, peak = done.stdout.strip().splitlines()
    return int(peak), "\n".join(said)


IMPORT = """
from pathlib import Path
from hmc.actor import Actor
from hmc.errors import EvidenceError
from hmc.evidence.service import import_file
from hmc.storage.engine import get_engine, migrate, session_scope
engine = get_engine("sqlite:///{db}")
migrate(engine)
try:
    with session_scope(engine) as session:
        report = import_file(session, path=Path("{path}"), actor=Actor.system("tests"))
    print(report.events_added)
except EvidenceError as exc:
    print(exc.message)
"""


def test_a_one_line_file_of_200_mib_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """Once 1.5 GB before it was refused: now read a block at a time, and refused at row 2."""
    path = tmp_path / "one_line.csv.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(SIGACT_HEADER.encode())
        for _ in range(200):
            out.write(b"x" * MIB)
    baseline, _ = peak_mib(IMPORT.format(db=tmp_path / "a.db", path=tmp_path / "none.csv"))
    peak, said = peak_mib(IMPORT.format(db=tmp_path / "b.db", path=path))
    assert said == (
        f"one_line.csv.gz: row 2: not valid CSV (a row longer than {csvfile.MAX_ROW:,} bytes)"
    )
    assert peak - baseline < 64  # MiB: a few blocks, never the line


def test_a_large_file_imports_in_the_memory_of_a_small_one(tmp_path: Path) -> None:
    """30 times the rows, about the same memory: rows are written a chunk at a time."""
    small = sigacts_file(tmp_path / "small.csv", MIB)
    large = sigacts_file(tmp_path / "large.csv", 30 * MIB)
    low, said = peak_mib(IMPORT.format(db=tmp_path / "a.db", path=small))
    high, said_large = peak_mib(IMPORT.format(db=tmp_path / "b.db", path=large))
    assert (int(said), int(said_large)) == (MIB // len(SIGACT_ROW), 30 * MIB // len(SIGACT_ROW))
    assert high - low < 64  # MiB


def sigacts_file(path: Path, size: int) -> Path:
    """A SIGACT file of about ``size`` bytes: distinct rows, all valid."""
    rows = size // len(SIGACT_ROW)
    text = "".join(SIGACT_ROW.replace("1072916400", f"{n:010d}") for n in range(rows))
    path.write_text(SIGACT_HEADER + text)
    return path
