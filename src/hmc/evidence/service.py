"""Importing evidence files: streamed, written in the caller's transaction, once.

A file is one ImportBatch, keyed by its format and the SHA-256 of its (decompressed) bytes
(and of the mapping and the source named, where given): importing the same content again
adds nothing. Rows are read and written a chunk at a time, so memory does not grow with the
file; the transaction belongs to the caller, so a failure (or the process killed) leaves
nothing behind. Events already known by their source's id and observations already known
by their unique key are skipped as duplicates. A bad row stops the import (``on_error``
``stop``) or is reported and skipped (``skip``): the rows skipped are written, with the
file, row, field and problem, to a CSV file beside the imported one.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path
from typing import TextIO, cast

import pyarrow as pa
from sqlalchemy import Table, false, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.errors import Busy, EvidenceError
from hmc.evidence import OnError, importers
from hmc.evidence.ahead import ahead
from hmc.evidence.bulk import BulkWriter
from hmc.evidence.categories import Categories
from hmc.evidence.importers import (
    FORMATS,
    EventRow,
    Format,
    Irregular,
    ObservationRow,
    Rows,
    SourceInfo,
    checked_text,
    detect,
    digest,
    get_format,
    load_mapping,
    mapped_format,
    open_binary,
)
from hmc.evidence.linking import link_batch
from hmc.evidence.models import ImportBatch, Source
from hmc.evidence.schemas import ImportReport
from hmc.framework.models import FrameworkVersion
from hmc.framework.schemas import CommissionConfig
from hmc.storage.engine import BUSY_TIMEOUT_MS, is_busy

Progress = Callable[[int, int], None]
# What a file gives to write: a batch's columns, or rows read a record at a time.
Write = tuple[pa.RecordBatch | list[EventRow], list[ObservationRow]]
IMPORT_LOCK = 0x686D_635F_696D_706F  # PostgreSQL advisory lock key of imports ("hmc_impo")
# The data files that ship with hmc (see hmc/data/SOURCES.md), in import order.
BUNDLED = (
    ("esoc_iraq_sigact_governorate_weekly_2004_2009.csv", "esoc-weekly"),
    ("sigacts_iraq_2004_2007_bauer.csv.gz", "sigacts"),
    ("us_forces_attacks_iraq_syria_cumulative_2023_2024.csv", "us-forces-attacks"),
    ("musings_on_iraq_security_incident_counts_2003_2024.csv", "musings-incidents"),
)
_PLACEHOLDER = date(1900, 1, 1)  # a batch's coverage until its rows are read


def import_file(
    session: Session,
    *,
    path: Path,
    format: str | None = None,
    mapping: Path | None = None,
    source: str | None = None,
    on_error: OnError = "stop",
    actor: Actor,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path`` on behalf of ``actor``: all of it, or what is good of it with ``skip``.

    ``format`` None: detected from the file's first rows; ``mapping``: a mapping file read
    instead of a format; ``source``: the key of the source the events are recorded under
    (default: the format's own). Imports into one database run one at a time: a second
    waits for the first to end (then finds the file imported, if it was the same) or, after
    BUSY_TIMEOUT_MS, raises Busy.
    """
    fmt, extra = _format(path, format, mapping)
    info = fmt.source if source is None else _renamed(fmt.source, source)
    if source is not None:
        extra += f"\0source:{source}"
    sha = digest(path, text=fmt.text)
    if extra:
        sha = hashlib.sha256(f"{sha}{extra}".encode()).hexdigest()
    done = _batch(session, fmt.name, sha)
    if done is None:
        lock_imports(session, path.name)
        done = _batch(session, fmt.name, sha)  # imported by the import waited for
    if done is not None:
        return ImportReport.of(done, skipped=0, rejected=0, events=0, observations=0,
                               duplicates=0, linked=0, again=True)  # fmt: skip
    return _import(session, path, fmt, info, sha, on_error, actor, progress)


def _format(path: Path, name: str | None, mapping: Path | None) -> tuple[Format, str]:
    """The format to read ``path`` in, and what else makes its content (a mapping's digest)."""
    if mapping is not None:
        if name is not None:
            raise EvidenceError("give --format or --mapping, not both", option="--mapping")
        read, sha = load_mapping(mapping)
        return mapped_format(read, path), f"\0mapping:{sha}"
    if name is None:
        return detect(path, FORMATS.values()), ""
    return get_format(name), ""


def _renamed(info: SourceInfo, key: str) -> SourceInfo:
    if not key or len(key) > 64 or not key.replace("-", "").isalnum() or key != key.lower():
        raise EvidenceError(
            f'--source: "{key[:64]}" is not a source key (lowercase letters, digits and "-")',
            option="--source",
        )
    return SourceInfo(key, info.name, info.url, info.licence, info.reliability, info.family)


def _import(
    session: Session,
    path: Path,
    fmt: Format,
    info: SourceInfo,
    sha: str,
    on_error: OnError,
    actor: Actor,
    progress: Progress | None,
) -> ImportReport:
    batch = ImportBatch(
        format=fmt.name,
        file_name=path.name,
        sha256=sha,
        rows=0,
        coverage_start=_PLACEHOLDER,
        coverage_end=_PLACEHOLDER,
        imported_at=datetime.now(UTC).replace(tzinfo=None),
        imported_by=str(actor),
    )
    batch.source = _upsert_source(session, info)
    session.add(batch)
    session.flush()
    categories = configured_categories(session)
    writer = BulkWriter(session, batch_id=batch.id, source_id=batch.source.id)
    size = max(path.stat().st_size, 1)
    with _Rejected(path, on_error) as rejected, open_binary(path, unpack=fmt.text) as stream:
        where = _position(stream)
        stream = checked_text(stream, path.name) if fmt.text else stream
        flushed: list[Write] = []
        rows = Rows(info.key, categories, lambda *found: flushed.append(found))
        if progress is not None:
            progress(0, size)
        table = fmt.table(path.name, stream)
        for events, observations in ahead(_read(table, fmt, rows, rejected, flushed)):
            if isinstance(events, pa.RecordBatch):
                writer.write_columns(events)
            else:
                writer.write(events, observations)
            if progress is not None:
                progress(min(where(), size), size)
    writer.close()
    if rows.start is None or rows.end is None:
        why = f"; {rejected.count:,} bad rows, listed in {rejected.path}" if rejected.count else ""
        raise EvidenceError(f"{path.name}: no events or counts in the file{why}", file=path.name)
    batch.rows, batch.rows_rejected = rows.rows_read, rejected.count
    batch.coverage_start, batch.coverage_end = rows.start, rows.end
    linked = link_batch(session, batch=batch, categories=categories)
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
            "events": writer.events,
            "observations": writer.observations,
            "rejected": rejected.count,
            "linked": linked,
        },
    )
    return ImportReport.of(
        batch,
        skipped=rows.skipped,
        rejected=rejected.count,
        events=writer.events,
        observations=writer.observations,
        duplicates=rows.events + rows.observations - writer.events - writer.observations,
        linked=linked,
        again=False,
        report=rejected.path if rejected.count else None,
    )


def _read(
    table: importers.Table, fmt: Format, rows: Rows, rejected: _Rejected, flushed: list[Write]
) -> Iterator[Write]:
    """What to write of the table's batches: at once where the format can read a batch's
    columns, else (or when a cell is irregular) a record at a time into ``rows`` (which
    hands its chunks to ``flushed``)."""
    read = fmt.start(table, rows)
    convert = fmt.columns(table, rows) if fmt.columns is not None else None

    def unreadable(error: EvidenceError) -> None:  # a row that is not one (its cells)
        rejected.add(error)
        rows.drop()

    for batch in table.batches(fmt.reads, unreadable if rejected.skip else None):
        if convert is not None:
            try:
                events = convert(batch.cells)
            except Irregular:  # read record by record: they say which row is bad and why
                pass
            else:
                rows.counted(events, read=len(batch.rows))
                yield events, []
                continue
        for record in batch.records():
            try:
                read(record)
            except EvidenceError as exc:
                if not rejected.skip or "row" not in exc.details:
                    raise
                rejected.add(exc)
                rows.drop()
            else:
                rows.keep(record.row)
        yield from flushed
        flushed.clear()
    rows.finish()
    yield from flushed


def _position(stream: object) -> Callable[[], int]:
    """How far into the file (in its bytes on disk, compressed or not) the reading is."""
    raw = getattr(stream, "fileobj", None) or getattr(stream, "_fileobj", None) or stream
    tell = getattr(raw, "tell", None)
    return (lambda: int(tell())) if callable(tell) else (lambda: 0)


class _Rejected:
    """The report of the bad rows skipped: ``FILE.rejected.csv`` beside the file."""

    def __init__(self, path: Path, on_error: OnError) -> None:
        self.path = path.with_name(path.name + ".rejected.csv")
        self.skip = on_error == "skip"
        self._file: TextIO | None = None
        self.count = 0

    def __enter__(self) -> _Rejected:
        return self

    def add(self, error: EvidenceError) -> None:
        """Write one bad row to the report (opened on the first)."""
        if self._file is None:
            try:
                self._file = self.path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise EvidenceError(
                    f"{self.path}: the report of bad rows cannot be written ({exc.strerror})",
                    file=str(self.path),
                ) from None
            self._writer = csv.writer(self._file)
            self._writer.writerow(["file", "row", "field", "problem"])
        details = error.details
        self._writer.writerow(
            [details.get("file", ""), details.get("row", ""), details.get("field", ""),
             error.message]
        )  # fmt: skip
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
        elif self.skip and self.path.exists():
            self.path.unlink()  # an old report of this file: no bad row now


def _batch(session: Session, format: str, sha: str) -> ImportBatch | None:
    """The batch that imported this content in this format, if one did."""
    query = select(ImportBatch).where(ImportBatch.format == format, ImportBatch.sha256 == sha)
    return session.scalars(query).first()


def lock_imports(session: Session, file_name: str) -> None:
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


def _upsert_source(session: Session, info: SourceInfo) -> Source:
    source = session.scalars(select(Source).where(Source.key == info.key)).first()
    if source is None:
        source = Source(key=info.key)
        session.add(source)
    source.name = info.name
    source.url = info.url
    source.licence = info.licence
    source.reliability = info.reliability
    source.family = info.family or info.key
    session.flush()
    return source


def bundled_files() -> list[tuple[Path, str]]:
    """The data files that ship with hmc and their formats, in import order."""
    folder = Path(str(files("hmc") / "data"))
    return [(folder / name, format) for name, format in BUNDLED]


def configured_categories(session: Session) -> Categories:
    """The categories of every loaded commission (its newest configuration), in id order."""
    newest = (
        select(FrameworkVersion.commission_id, func.max(FrameworkVersion.number).label("n"))
        .group_by(FrameworkVersion.commission_id)
        .subquery()
    )
    texts = session.scalars(
        select(FrameworkVersion.config_text)
        .join(
            newest,
            (newest.c.commission_id == FrameworkVersion.commission_id)
            & (newest.c.n == FrameworkVersion.number),
        )
        .order_by(FrameworkVersion.commission_id)
    )
    categories = Categories()
    for text in texts:
        for category in CommissionConfig.model_validate(tomllib.loads(text)).category:
            categories.add(category.id, category.rules)
            categories.link(category.id, category.compatible)
    return categories
