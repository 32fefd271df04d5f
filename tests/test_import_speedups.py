"""What makes a big import fast loses nothing: the event table's indexes, dropped while a big
import writes and built again at its end, are there after it, and after a failure too; the
rows read ahead on another thread come in order, and an error there (a byte that is not
UTF-8 text, found as the rows are read) is the import's."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from hmc.actor import Actor
from hmc.errors import EvidenceError
from hmc.evidence import bulk
from hmc.evidence.ahead import ahead
from hmc.evidence.service import import_file
from hmc.storage import get_engine, migrate, session_scope
from importing import TEST_DATA

GED_CUT = TEST_DATA / "ucdp_ged_syria_2016q1_cut.csv"  # 64 rows
ACTOR = Actor.system("tests")


def indexes(database: Path) -> set[str]:
    with closing(sqlite3.connect(database)) as connection:
        found = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'"
        )
        return {name for (name,) in found}


def events(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("SELECT count(*) FROM event").fetchone()[0])


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite database where an import of 10 events counts as big."""
    monkeypatch.setattr(bulk, "REBUILD_FROM", 10)
    path = tmp_path / "hmc.db"
    migrate(get_engine(f"sqlite:///{path}"))
    return path


def test_a_big_import_leaves_the_indexes_it_dropped(database: Path) -> None:
    before = indexes(database)
    assert {"ix_event_day", "ix_event_batch", "ix_event_duplicate"} <= before
    with session_scope(get_engine(f"sqlite:///{database}")) as session:
        report = import_file(session, path=GED_CUT, format="ucdp-ged", actor=ACTOR)
    assert report.events_added == 64
    assert indexes(database) == before


def test_a_big_import_failing_with_its_indexes_dropped_leaves_them(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = indexes(database)

    def full(self: bulk.BulkWriter) -> None:  # fails before building the indexes again
        assert self._dropped, "the indexes were dropped"
        raise OSError("disk full")

    monkeypatch.setattr(bulk.BulkWriter, "close", full)
    engine = get_engine(f"sqlite:///{database}")
    with pytest.raises(OSError, match="disk full"), session_scope(engine) as session:
        import_file(session, path=GED_CUT, format="ucdp-ged", actor=ACTOR)
    assert indexes(database) == before
    assert events(database) == 0


def test_rows_read_ahead_come_in_order_then_the_error_after_them() -> None:
    def made() -> Iterator[int]:
        yield from range(100)
        raise EvidenceError("big.csv: row 102: not valid CSV", file="big.csv", row=102)

    got = []
    with pytest.raises(EvidenceError, match="row 102"):
        for item in ahead(made()):
            got.append(item)
    assert got == list(range(100))


def test_reading_ahead_stops_when_the_writing_fails() -> None:
    read = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            read.append(n)
            yield n
            n += 1

    with pytest.raises(RuntimeError):
        for item in ahead(endless()):
            if item == 5:
                raise RuntimeError("the database refused it")
    stopped_at = len(read)
    assert stopped_at <= 5 + 1 + 2 + 1  # at most DEPTH ahead (and the one being put)


def test_a_byte_not_utf8_deep_in_a_big_file_is_named_and_nothing_is_written(
    database: Path, tmp_path: Path
) -> None:
    lines = GED_CUT.read_bytes().splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    body = b"".join(rows * 400)  # some 25,000 rows (14 MB), the bad byte in the last
    at = len(header) + len(body) - len(rows[-1]) + 3
    big = tmp_path / "big.csv"
    big.write_bytes(header + body[: at - len(header)] + b"\xff" + body[at - len(header) + 1 :])
    engine = get_engine(f"sqlite:///{database}")
    with pytest.raises(EvidenceError) as caught, session_scope(engine) as session:
        import_file(session, path=big, format="ucdp-ged", actor=ACTOR)
    assert caught.value.message == f"big.csv: not UTF-8 text (byte {at} cannot be read)"
    assert events(database) == 0
