"""Writing imported rows in bulk, each database its fastest way, never one ORM object a row.

Events come as Arrow columns (see :mod:`hmc.evidence.importers.columns`). SQLite:
``executemany`` of the columns' values, row by row, on the import's own transaction; once an
import has added as many events as the table held before it (and at least REBUILD_FROM), the
event table's indexes other than its unique key are dropped and built again at the end, one
sort instead of an update a row (in the same transaction: a failure leaves them as they were).
PostgreSQL: the columns written as CSV by Arrow and ``COPY``-ed into a temporary table, then
one ``INSERT ... SELECT`` per batch. Both skip an event whose source already has its id
(``ON CONFLICT DO NOTHING``) and count what they add.
"""

from __future__ import annotations

from typing import Any, cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import Index, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hmc.errors import EvidenceError
from hmc.evidence.importers import EVENT_COLUMNS, EventRow, ObservationRow, observation_key
from hmc.evidence.importers.columns import from_rows
from hmc.evidence.models import Event, Observation

SQLITE_CACHE_KIB = 65_536  # SQLite's page cache while importing: index updates stay in memory
REBUILD_FROM = 100_000  # events an import adds before SQLite's indexes are built anew at its end
# How SQLAlchemy stores a DATETIME in SQLite (a DATE is Arrow's own text of it, YYYY-MM-DD).
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S"  # of microseconds: with six decimals of the second


class BulkWriter:
    """Adds a batch's rows to the event and observation tables; counts what it added."""

    def __init__(self, session: Session, *, batch_id: int, source_id: int) -> None:
        self._session = session
        self._ids = (batch_id, source_id)
        self._dialect = session.get_bind().dialect
        if self._dialect.name not in ("sqlite", "postgresql"):
            raise EvidenceError(f"importing needs SQLite or PostgreSQL, not {self._dialect.name}")
        self._raw: Any = session.connection().connection.driver_connection
        self.events = 0
        self.observations = 0
        if self._dialect.name == "sqlite":
            self._prepare_sqlite()
        else:
            self._prepare_postgresql()

    def write(self, events: list[EventRow], observations: list[ObservationRow]) -> None:
        """Add what is new of ``events`` and ``observations``."""
        if events:
            self.write_columns(from_rows(events))
        if observations:
            self.observations += self._observe(observations)

    def write_columns(self, events: pa.RecordBatch) -> None:
        """Add what is new of ``events`` (in the columns of EVENT_SCHEMA)."""
        if events.num_rows:
            self.events += self._insert(events)

    def close(self) -> None:
        """Put back what the import changed of the connection (and of the event table's
        indexes)."""
        if self._dialect.name == "sqlite":
            for index in self._dropped:
                index.create(self._session.connection())
            self._raw.execute(f"PRAGMA cache_size={self._cache}")

    def _prepare_sqlite(self) -> None:
        self._cache = self._raw.execute("PRAGMA cache_size").fetchone()[0]
        self._raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        held = self._session.scalar(select(func.max(Event.id))) or 0
        self._rebuild_from = max(REBUILD_FROM, held)
        self._dropped: list[Index] = []
        self._insert = self._insert_sqlite

    def _insert_sqlite(self, events: pa.RecordBatch) -> int:
        # a column empty throughout the batch (NULL or "") is written as such, not bound a row
        empty = [_empty(column) for column in events.columns]
        values = [_sqlite_values(c) for c, e in zip(events.columns, empty, strict=True) if not e]
        batch_id, source_id = self._ids
        sql = (
            f"INSERT INTO event (batch_id, source_id, {', '.join(EVENT_COLUMNS)}) "
            f"VALUES ({batch_id}, {source_id}, {', '.join(e or '?' for e in empty)}) "
            "ON CONFLICT DO NOTHING"
        )
        cursor = self._raw.executemany(sql, zip(*values, strict=True))
        if not self._dropped and self.events + cursor.rowcount >= self._rebuild_from:
            table = cast(Table, Event.__table__)
            self._dropped = [  # (not one of only some rows: it costs next to nothing)
                i for i in table.indexes if not i.unique and not _partial(i)
            ]
            for index in self._dropped:
                index.drop(self._session.connection())
        return int(cursor.rowcount)

    def _prepare_postgresql(self) -> None:
        names = ", ".join(EVENT_COLUMNS)
        with self._raw.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS event_incoming ON COMMIT DROP AS "
                f"SELECT {names} FROM event WITH NO DATA"
            )
        batch_id, source_id = self._ids
        self._copy = f"COPY event_incoming ({names}) FROM STDIN (FORMAT csv)"
        self._move = (
            f"INSERT INTO event (batch_id, source_id, {names}) "
            f"SELECT {batch_id}, {source_id}, {names} FROM event_incoming ON CONFLICT DO NOTHING"
        )
        self._insert = self._insert_postgresql

    def _insert_postgresql(self, events: pa.RecordBatch) -> int:
        text = pa.BufferOutputStream()  # quoted "" is empty text, an empty cell NULL
        pa_csv.write_csv(events, text, pa_csv.WriteOptions(include_header=False))
        with self._raw.cursor() as cursor:
            with cursor.copy(self._copy) as copy:
                copy.write(memoryview(text.getvalue()))
            cursor.execute(self._move)
            added = cursor.rowcount
            cursor.execute("TRUNCATE event_incoming")
        return int(added)

    def _observe(self, rows: list[ObservationRow]) -> int:
        """Add the observations not stored yet (checked here: NULL governorates may repeat)."""
        batch_id, source_id = self._ids
        series = {row["series"] for row in rows}
        query = select(
            Observation.series,
            Observation.governorate,
            Observation.period_start,
            Observation.period_end,
        ).where(Observation.source_id == source_id, Observation.series.in_(series))
        known = {tuple(row) for row in self._session.execute(query)}
        new = [
            {**row, "batch_id": batch_id, "source_id": source_id}
            for row in rows
            if observation_key(row) not in known
        ]
        if new:
            table = cast(Table, Observation.__table__)
            insert = sqlite.insert if self._dialect.name == "sqlite" else postgresql.insert
            self._session.execute(insert(table).on_conflict_do_nothing(), new)
        return len(new)


def _partial(index: Index) -> bool:
    return index.dialect_options["sqlite"]["where"] is not None


def _empty(column: pa.Array) -> str:
    """``NULL`` or ``''`` if every value of ``column`` is that, else nothing."""
    if column.null_count == len(column):
        return "NULL"
    string = column.null_count == 0 and pa.types.is_string(column.type)
    return "''" if string and pc.all(pc.equal(column, "")).as_py() else ""


def _sqlite_values(column: pa.Array) -> list[Any]:
    """The values of ``column`` as SQLite stores them through SQLAlchemy (dates as text)."""
    if pa.types.is_date(column.type):
        column = column.cast(pa.string())
    elif pa.types.is_timestamp(column.type):
        column = pc.strftime(column, format=SQLITE_DATETIME)
    elif pa.types.is_floating(column.type) and not column.null_count:
        return cast(list[Any], column.to_numpy().tolist())  # NumPy's way: three times faster
    return cast(list[Any], column.to_pylist())
