"""What a format is: its source, how its file is opened, and what each row of it gives.

A format reads one record at a time and hands what it finds to :class:`Rows`: events,
observations, or a row skipped as holding no evidence; some read a whole batch of records
at once into events (:mod:`hmc.evidence.importers.columns`). What one record gives is kept or
dropped whole (a bad row adds nothing), and handed on in chunks, so an import never holds
more than a chunk of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO, TypedDict

import pyarrow as pa
import pyarrow.compute as pc

from hmc.evidence.categories import Categories
from hmc.evidence.importers import columns as col
from hmc.evidence.importers.csvfile import CsvFile, Record, Table
from hmc.gazetteers import gazetteer_of


@dataclass(frozen=True)
class SourceInfo:
    """Who publishes the data; ``reliability`` is the Admiralty letter A (reliable) to F.

    Sources of one ``family`` (UCDP GED and UCDP Candidate) report from the same work: they
    do not corroborate each other (see :mod:`hmc.evidence.grading`).
    """

    key: str
    name: str
    url: str
    licence: str
    reliability: str
    family: str = ""


class EventRow(TypedDict):
    """The columns of an Event, without its ids (see :class:`hmc.evidence.models.Event`)."""

    external_key: str
    occurred_on: date
    occurred_at: datetime | None
    date_precision: str
    category: str
    event_type: str
    target: str
    actor1: str
    actor2: str
    country: str
    governorate: str | None
    location: str
    latitude: float | None
    longitude: float | None
    deaths: float | None
    deaths_low: float | None
    deaths_high: float | None
    description: str
    url: str


EVENT_COLUMNS = tuple(EventRow.__annotations__)


def new_event(*, external_key: str, occurred_on: date, category: str, **given: object) -> EventRow:
    """An EventRow with what is given, and empty values for the rest."""
    row = {
        "external_key": external_key,
        "occurred_on": occurred_on,
        "occurred_at": None,
        "date_precision": "day",
        "category": category,
        "event_type": "",
        "target": "",
        "actor1": "",
        "actor2": "",
        "country": "",
        "governorate": None,
        "location": "",
        "latitude": None,
        "longitude": None,
        "deaths": None,
        "deaths_low": None,
        "deaths_high": None,
        "description": "",
        "url": "",
    }
    unknown = set(given) - set(row)
    if unknown:
        raise TypeError(f"not event fields: {sorted(unknown)}")
    row.update(given)
    return row  # type: ignore[return-value]


class ObservationRow(TypedDict):
    """The columns of an Observation, without its ids."""

    series: str
    governorate: str | None
    period_start: date
    period_end: date
    basis: str
    value: float
    note: str


def governorate(country: str, name: str) -> str | None:
    """The governorate ``name`` spells, where hmc has a gazetteer of ``country``."""
    gazetteer = gazetteer_of(country) if country else None
    return gazetteer.governorate(name) if gazetteer else None


def place(cells: pa.RecordBatch, *, country: str, admin: str, location: str) -> dict[str, pa.Array]:
    """Where the events of a batch took place (see :mod:`hmc.evidence.importers.columns`):
    their country, the governorate its gazetteer finds for ``admin``, the place and its
    coordinates (columns ``latitude`` and ``longitude``)."""
    named = col.text(cells, country)
    return {
        "country": pc.utf8_slice_codeunits(named, 0, 64),
        "governorate": col.mapped(governorate, named, col.text(cells, admin), type=pa.string()),
        "location": col.text(cells, location, 200),
        "latitude": col.coordinate(cells, "latitude", 90),
        "longitude": col.coordinate(cells, "longitude", 180),
    }


ObservationKey = tuple[str, str | None, date, date]
Flush = Callable[[list[EventRow], list[ObservationRow]], None]


def observation_key(row: ObservationRow) -> ObservationKey:
    """What makes an observation unique within a source."""
    return (row["series"], row["governorate"], row["period_start"], row["period_end"])


@dataclass
class Rows:
    """What a file gives, handed to ``flush`` a chunk at a time; counts and dates on the way.

    Observations are checked for a second value of the same key in the file (their keys
    are kept for the whole file: counts files are small); events repeated in a file are
    found by the database (the source's own id is unique).
    """

    source: str
    categories: Categories
    flush: Flush
    chunk: int = 20_000
    rows_read: int = 0
    skipped: int = 0  # rows that hold no evidence (e.g. page headings)
    events: int = 0
    observations: int = 0
    start: date | None = None
    end: date | None = None
    _events: list[EventRow] = field(default_factory=list, repr=False)
    _observations: list[ObservationRow] = field(default_factory=list, repr=False)
    _row: list[EventRow | ObservationRow] = field(default_factory=list, repr=False)
    _seen: dict[ObservationKey, int] = field(default_factory=dict, repr=False)

    def category(self, facets: Mapping[str, str]) -> str:
        """The commission's category of an event of this source with these ``facets``."""
        return self.categories.of(self.source, facets)

    def event(self, row: EventRow) -> None:
        """Add ``row`` (kept once the record it comes from is read whole)."""
        self._row.append(row)

    def observe(self, record: Record, observation: ObservationRow, *, field: str) -> None:
        """Add ``observation``; a second one with the same key is an error on ``field``."""
        key = observation_key(observation)
        first = self._seen.get(key, record.row)
        if first != record.row:
            record.fail(
                field,
                f'a second value of series "{key[0]}" for the same governorate and period '
                f"(the first is on row {first})",
            )
        self._row.append(observation)

    def skip(self) -> None:
        """Count the record as one that holds no evidence."""
        self.skipped += 1

    def keep(self, row: int) -> None:
        """Keep what record ``row`` gave; hand on a full chunk."""
        self.rows_read += 1
        for found in self._row:
            if "series" in found:
                obs: ObservationRow = found  # type: ignore[assignment]
                self._seen.setdefault(observation_key(obs), row)
                self._dates(obs["period_start"], obs["period_end"])
                self._observations.append(obs)
            else:
                event: EventRow = found
                self._dates(event["occurred_on"], event["occurred_on"])
                self._events.append(event)
        self._row.clear()
        if len(self._events) + len(self._observations) >= self.chunk:
            self.finish()

    def counted(self, events: pa.RecordBatch, *, read: int) -> None:
        """Count ``events``, read at once from ``read`` records (after what came before)."""
        self.finish()
        self.rows_read += read
        self.events += events.num_rows
        if events.num_rows:
            self._dates(*col.span(events.column("occurred_on")))

    def drop(self) -> None:
        """Drop what the record being read gave (it was bad and is skipped)."""
        self.rows_read += 1
        self._row.clear()

    def finish(self) -> None:
        """Hand on what is left."""
        self.events += len(self._events)
        self.observations += len(self._observations)
        self.flush(self._events, self._observations)
        self._events, self._observations = [], []

    def _dates(self, start: date, end: date) -> None:
        if self.start is None or start < self.start:
            self.start = start
        if self.end is None or end > self.end:
            self.end = end


RowReader = Callable[[Record], None]
ColumnReader = Callable[[pa.RecordBatch], pa.RecordBatch]
"""Converts a batch's cells to events (see :mod:`hmc.evidence.importers.columns`)."""


def csv_table(name: str, stream: BinaryIO) -> Table:
    """A comma-separated file with a header row: how most formats are published."""
    return CsvFile(name, stream)


@dataclass(frozen=True)
class Format:
    """A file format users name on import (``hmc import FILE --format NAME``), or hmc detects.

    ``header`` names the columns that tell a file of this format, and ``fits`` says why a
    first data row is not of it, when the header does not tell (see
    :mod:`hmc.evidence.importers.detect`); ``reads`` the columns it reads (None: every one);
    ``start`` reads what it needs of the header and returns the function that reads each
    record into the rows; ``columns``, where given, returns the function that reads a whole
    batch of records at once into events (a batch it cannot is read a record at a time).
    """

    name: str
    description: str
    source: SourceInfo
    header: tuple[str, ...]
    start: Callable[[Table, Rows], RowReader]
    columns: Callable[[Table, Rows], ColumnReader] | None = None
    reads: tuple[str, ...] | None = None
    fits: Callable[[dict[str, str]], str | None] | None = None
    table: Callable[[str, BinaryIO], Table] = csv_table
    text: bool = True  # a text file (UTF-8, checked as it is hashed), not a spreadsheet
