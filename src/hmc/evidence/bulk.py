"""Writing imported rows in bulk, each database its fastest way, never one ORM object a row.

SQLite: ``executemany`` of plain tuples on the import's own transaction. PostgreSQL:
``COPY`` into a temporary table, then one ``INSERT ... SELECT`` per chunk. Both skip an
event whose source already has its id (``ON CONFLICT DO NOTHING``) and count what they add.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Date, DateTime, Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hmc.errors import EvidenceError
from hmc.evidence.importers import EVENT_COLUMNS, EventRow, ObservationRow, observation_key
from hmc.evidence.models import Event, Observation

COLUMNS = ("batch_id", "source_id", *EVENT_COLUMNS)
SQLITE_CACHE_KIB = 65_536  # SQLite's page cache while importing: index updates stay in memory


class BulkWriter:
    """Adds a batch's rows to the event and observation tables; counts what it added."""

    def __init__(self, session: Session, *, batch_id: int, source_id: int) -> None:
        self._session = session
        self._ids = (batch_id, source_id)
        self._dialect = session.get_bind().dialect
        if self._dialect.name not in ("sqlite", "postgresql"):
            raise EvidenceError(f"importing needs SQLite or PostgreSQL, not {self._dialect.name}")
        self._raw: Any = session.connection().connection.driver_connection
        self._cells = itemgetter(*EVENT_COLUMNS)
        self.events = 0
        self.observations = 0
        if self._dialect.name == "sqlite":
            self._prepare_sqlite()
        else:
            self._prepare_postgresql()

    def write(self, events: list[EventRow], observations: list[ObservationRow]) -> None:
        """Add what is new of ``events`` and ``observations``."""
        if events:
            self.events += self._insert(events)
        if observations:
            self.observations += self._observe(observations)

    def close(self) -> None:
        """Put back what the import changed of the connection."""
        if self._dialect.name == "sqlite":
            self._raw.execute(f"PRAGMA cache_size={self._cache}")

    def _prepare_sqlite(self) -> None:
        self._cache = self._raw.execute("PRAGMA cache_size").fetchone()[0]
        self._raw.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        table = cast(Table, Event.__table__)
        self._convert = _converters(table, self._dialect)
        marks = ", ".join("?" for _ in COLUMNS)
        self._sql = (
            f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES ({marks}) ON CONFLICT DO NOTHING"
        )
        self._insert = self._insert_sqlite

    def _insert_sqlite(self, events: list[EventRow]) -> int:
        cells, convert, ids = self._cells, self._convert, self._ids
        rows = [ids + convert(cells(event)) for event in events]
        cursor = self._raw.executemany(self._sql, rows)
        return int(cursor.rowcount)

    def _prepare_postgresql(self) -> None:
        names = ", ".join(COLUMNS)
        with self._raw.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS event_incoming ON COMMIT DROP AS "
                f"SELECT {names} FROM event WITH NO DATA"
            )
        self._copy = f"COPY event_incoming ({names}) FROM STDIN"
        self._move = (
            f"INSERT INTO event ({names}) SELECT {names} FROM event_incoming ON CONFLICT DO NOTHING"
        )
        self._insert = self._insert_postgresql

    def _insert_postgresql(self, events: list[EventRow]) -> int:
        cells, ids = self._cells, self._ids
        with self._raw.cursor() as cursor:
            with cursor.copy(self._copy) as copy:
                for event in events:
                    copy.write_row(ids + cells(event))
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


def _converters(table: Table, dialect: Any) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """What turns an event's cells into what the driver stores (dates as SQLite's text)."""
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(table.c[name].type, Date | DateTime)
        else None
        for name in EVENT_COLUMNS
    ]
    slots = [(i, p) for i, p in enumerate(processors) if p is not None]

    def convert(cells: Sequence[Any]) -> tuple[Any, ...]:
        values = list(cells)
        for i, process in slots:
            if values[i] is not None:
                values[i] = process(values[i])
        return tuple(values)

    return convert


def count_events(session: Session, batch_id: int) -> int:
    """The events a batch added."""
    return session.scalar(select(func.count()).where(Event.batch_id == batch_id)) or 0
