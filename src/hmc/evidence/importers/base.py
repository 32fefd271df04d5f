"""What a format is: its source, and a parser from a CSV file to plain event/observation rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypedDict

from hmc.evidence.importers.csvfile import CsvFile, Record


@dataclass(frozen=True)
class SourceInfo:
    """Who publishes the data; ``reliability`` is the Admiralty letter A (reliable) to F."""

    key: str
    name: str
    url: str
    licence: str
    reliability: str


class EventRow(TypedDict):
    """The columns of an Event, without its ids."""

    external_key: str
    occurred_on: date
    occurred_at: datetime | None
    category: str
    event_type: str
    target: str
    governorate: str | None
    location: str
    latitude: float | None
    longitude: float | None
    deaths: float | None
    description: str


class ObservationRow(TypedDict):
    """The columns of an Observation, without its ids."""

    series: str
    governorate: str | None
    period_start: date
    period_end: date
    basis: str
    value: float
    note: str


ObservationKey = tuple[str, str | None, date, date]


@dataclass
class Parsed:
    """Everything a file holds, validated: nothing is written before the whole file parses."""

    rows_read: int
    skipped: int = 0  # rows that hold no evidence (e.g. page headings), said in the docstring
    events: list[EventRow] = field(default_factory=list)
    observations: list[ObservationRow] = field(default_factory=list)
    _seen: dict[ObservationKey, int] = field(default_factory=dict, repr=False)

    def observe(self, record: Record, observation: ObservationRow, *, field: str) -> None:
        """Add ``observation``; a second one with the same key is an error on ``field``."""
        key = observation_key(observation)
        first = self._seen.setdefault(key, record.row)
        if first != record.row:
            record.fail(
                field,
                f'a second value of series "{key[0]}" for the same governorate and period '
                f"(the first is on row {first})",
            )
        self.observations.append(observation)


def observation_key(row: ObservationRow) -> ObservationKey:
    """What makes an observation unique within a source."""
    return (row["series"], row["governorate"], row["period_start"], row["period_end"])


@dataclass(frozen=True)
class Format:
    """A file format users name on import (``hmc import FILE --format NAME``).

    ``memory_factor`` is the memory an import takes per byte of CSV, measured as the peak
    resident memory of a process importing a file into SQLite, over what it held before.
    """

    name: str
    description: str
    source: SourceInfo
    parse: Callable[[CsvFile], Parsed]
    memory_factor: int
