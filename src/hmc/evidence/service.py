"""Importing evidence files: each validated whole, written in the caller's transaction, once.

A file is one ImportBatch, keyed by its format and the SHA-256 of its (decompressed) bytes:
importing the same content again adds nothing. Events already known by their source's
external key and observations already known by their unique key are skipped as duplicates.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Executable, Table, false, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload

from hmc.accounts import Actor
from hmc.audit import service as audit
from hmc.errors import Busy, EvidenceError
from hmc.evidence.importers import (
    FORMATS,
    CsvFile,
    EventRow,
    ObservationRow,
    Parsed,
    SourceInfo,
    get_format,
    observation_key,
    read_bytes,
)
from hmc.evidence.models import Event, ImportBatch, Observation, Source
from hmc.evidence.schemas import BatchInfo, FormatInfo, ImportReport
from hmc.storage.engine import BUSY_TIMEOUT_MS, is_busy

__all__ = [
    "BatchInfo",
    "FormatInfo",
    "ImportReport",
    "bundled_files",
    "import_file",
    "list_batches",
    "list_formats",
]

Progress = Callable[[int, int], None]
CHUNK = 5_000
IMPORT_LOCK = 0x686D_635F_696D_706F  # PostgreSQL advisory lock key of imports ("hmc_impo")
# The data files that ship with hmc (see hmc/data/SOURCES.md), in import order.
BUNDLED = (
    ("esoc_iraq_sigact_governorate_weekly_2004_2009.csv", "esoc-weekly"),
    ("sigacts_iraq_2004_2007_bauer.csv.gz", "sigacts"),
    ("us_forces_attacks_iraq_syria_cumulative_2023_2024.csv", "us-forces-attacks"),
    ("musings_on_iraq_security_incident_counts_2003_2024.csv", "musings-incidents"),
)


def import_file(
    session: Session,
    *,
    path: Path,
    format: str,
    actor: Actor,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path`` in ``format`` on behalf of ``actor``: all of it or, on a bad row, nothing.

    Imports into one database run one at a time: a second waits for the first to end (then
    finds the file imported, if it was the same) or, after BUSY_TIMEOUT_MS, raises Busy.
    """
    fmt = get_format(format)
    data = read_bytes(path, fmt.memory_factor)
    digest = hashlib.sha256(data).hexdigest()
    done = _batch(session, fmt.name, digest)
    if done is None:
        parsed = fmt.parse(CsvFile(path.name, data))
        start, end = _coverage(parsed, path.name)
        _lock(session, path.name)
        done = _batch(session, fmt.name, digest)  # imported by the import waited for
        if done is None:
            batch = ImportBatch(
                format=fmt.name,
                file_name=path.name,
                sha256=digest,
                rows=parsed.rows_read,
                coverage_start=start,
                coverage_end=end,
                imported_at=datetime.now(UTC).replace(tzinfo=None),
                imported_by=str(actor),
            )
            return _write(session, batch, fmt.source, parsed, progress, actor)
    return _report(done, skipped=0, events=0, observations=0, duplicates=0, again=True)


def _batch(session: Session, format: str, digest: str) -> ImportBatch | None:
    """The batch that imported these bytes in this format, if one did."""
    query = select(ImportBatch).where(ImportBatch.format == format, ImportBatch.sha256 == digest)
    return session.scalars(query).first()


def _lock(session: Session, file_name: str) -> None:
    """Wait for any other import into this database to end; hold off others until commit.

    PostgreSQL: a transaction-level advisory lock. SQLite: a write that changes nothing,
    which takes the database's one write lock at once (as BEGIN IMMEDIATE would), so that
    a second import waits here rather than fail midway on what the first one wrote.
    """
    try:
        if session.get_bind().dialect.name == "postgresql":
            previous = session.scalar(select(func.current_setting("lock_timeout")))
            session.execute(select(func.set_config("lock_timeout", f"{BUSY_TIMEOUT_MS}ms", True)))
            session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))
            session.execute(select(func.set_config("lock_timeout", previous, True)))
        else:  # waits up to the connection's busy_timeout (BUSY_TIMEOUT_MS)
            table = cast(Table, ImportBatch.__table__)
            session.execute(update(table).where(false()).values(id=table.c.id))
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        raise Busy(
            f"{file_name}: not imported: another import is running into this database; "
            "try again when it ends",
            file=file_name,
        ) from None


def _write(
    session: Session,
    batch: ImportBatch,
    source: SourceInfo,
    parsed: Parsed,
    progress: Progress | None,
    actor: Actor,
) -> ImportReport:
    """Store ``batch`` with what ``parsed`` holds that is not stored yet, and audit it."""
    batch.source = _upsert_source(session, source)
    session.add(batch)
    session.flush()
    observations = _new_observations(session, batch.source.id, parsed.observations)
    ids = {"batch_id": batch.id, "source_id": batch.source.id}
    writer = _Writer(session, total=len(parsed.events) + len(observations), progress=progress)
    writer.write(Event, parsed.events, ids)
    writer.write(Observation, observations, ids)
    events = _count(session, Event, batch.id)
    added = _count(session, Observation, batch.id)
    duplicates = len(parsed.events) + len(parsed.observations) - events - added
    audit.record(
        session,
        actor=actor,
        action="import",
        object_type="import_batch",
        object_id=batch.id,
        after={
            "format": batch.format,
            "file": batch.file_name,
            "sha256": batch.sha256,
            "events": events,
            "observations": added,
        },
    )
    return _report(
        batch,
        skipped=parsed.skipped,
        events=events,
        observations=added,
        duplicates=duplicates,
        again=False,
    )


def _report(
    batch: ImportBatch,
    *,
    skipped: int,
    events: int,
    observations: int,
    duplicates: int,
    again: bool,
) -> ImportReport:
    return ImportReport(
        batch_id=batch.id,
        format=batch.format,
        file_name=batch.file_name,
        rows=batch.rows,
        rows_skipped=skipped,
        events_added=events,
        observations_added=observations,
        duplicates=duplicates,
        coverage_start=batch.coverage_start,
        coverage_end=batch.coverage_end,
        already_imported=again,
    )


def _coverage(parsed: Parsed, file_name: str) -> tuple[date, date]:
    starts = [e["occurred_on"] for e in parsed.events]
    starts += [o["period_start"] for o in parsed.observations]
    ends = [e["occurred_on"] for e in parsed.events]
    ends += [o["period_end"] for o in parsed.observations]
    if not starts:
        raise EvidenceError(f"{file_name}: no events or counts in the file", file=file_name)
    return min(starts), max(ends)


def _upsert_source(session: Session, info: SourceInfo) -> Source:
    source = session.scalars(select(Source).where(Source.key == info.key)).first()
    if source is None:
        source = Source(key=info.key)
        session.add(source)
    source.name = info.name
    source.url = info.url
    source.licence = info.licence
    source.reliability = info.reliability
    session.flush()
    return source


def _new_observations(
    session: Session, source_id: int, rows: Sequence[ObservationRow]
) -> list[ObservationRow]:
    """The rows not yet stored. Done here because SQL unique keys let NULL governorates repeat."""
    series = {row["series"] for row in rows}
    query = select(
        Observation.series,
        Observation.governorate,
        Observation.period_start,
        Observation.period_end,
    ).where(Observation.source_id == source_id, Observation.series.in_(series))
    known = {(s, g, start, end) for s, g, start, end in session.execute(query)}
    return [row for row in rows if observation_key(row) not in known]


def _count(session: Session, model: type[Event] | type[Observation], batch_id: int) -> int:
    query = select(func.count()).select_from(model).where(model.batch_id == batch_id)
    return session.execute(query).scalar_one()


class _Writer:
    """Core inserts in chunks that skip rows conflicting with a unique key, with progress."""

    def __init__(self, session: Session, *, total: int, progress: Progress | None) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name
        self._total = total
        self._done = 0
        self._progress = progress
        if progress is not None:
            progress(0, total)

    def write(
        self,
        model: type[Event] | type[Observation],
        rows: Iterable[EventRow] | Iterable[ObservationRow],
        ids: dict[str, int],
    ) -> None:
        statement = self._statement(cast(Table, model.__table__))
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append({**row, **ids})
            if len(chunk) == CHUNK:
                self._flush(statement, chunk)
                chunk = []
        if chunk:
            self._flush(statement, chunk)

    def _statement(self, table: Table) -> Executable:
        """INSERT ... ON CONFLICT DO NOTHING in this database's dialect."""
        if self._dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        if self._dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        raise EvidenceError(f"importing needs SQLite or PostgreSQL, not {self._dialect}")

    def _flush(self, statement: Executable, chunk: list[dict[str, Any]]) -> None:
        self._session.execute(statement, chunk)
        self._done += len(chunk)
        if self._progress is not None:
            self._progress(self._done, self._total)


def list_formats() -> list[FormatInfo]:
    """The formats ``import_file`` reads, for help texts."""
    return [
        FormatInfo(name=fmt.name, description=fmt.description, source_name=fmt.source.name)
        for fmt in FORMATS.values()
    ]


def list_batches(session: Session) -> list[BatchInfo]:
    """Every imported file, oldest first, with what it added."""
    events = dict(
        session.execute(select(Event.batch_id, func.count()).group_by(Event.batch_id)).all()
    )
    counts = select(Observation.batch_id, func.count()).group_by(Observation.batch_id)
    observations = dict(session.execute(counts).all())
    batches = session.scalars(
        select(ImportBatch).options(joinedload(ImportBatch.source)).order_by(ImportBatch.id)
    )
    return [
        BatchInfo(
            id=batch.id,
            format=batch.format,
            file_name=batch.file_name,
            sha256=batch.sha256,
            source_key=batch.source.key,
            source_name=batch.source.name,
            rows=batch.rows,
            events=events.get(batch.id, 0),
            observations=observations.get(batch.id, 0),
            coverage_start=batch.coverage_start,
            coverage_end=batch.coverage_end,
            imported_at=batch.imported_at,
        )
        for batch in batches
    ]


def bundled_files() -> list[tuple[Path, str]]:
    """The data files that ship with hmc and their formats, in import order."""
    folder = Path(str(files("hmc") / "data"))
    return [(folder / name, format) for name, format in BUNDLED]
