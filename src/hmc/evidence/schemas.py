"""What the evidence service returns: import reports, formats and batches."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hmc.evidence.models import EventAccount, ImportBatch


class _Schema(BaseModel):
    model_config = ConfigDict(frozen=True)


class ImportReport(_Schema):
    """The outcome of importing one file.

    ``rows`` is the number of data rows read, ``rows_skipped`` those that hold no evidence
    (e.g. repeated page headings), ``rows_rejected`` the bad rows skipped (``--on-error
    skip``; listed in ``report``), ``duplicates`` the events and observations already in the
    database (or repeated in the file), which were not added again, ``events_linked`` the
    new events found to be reports of events another source already gave.
    """

    batch_id: int
    format: str
    file_name: str
    rows: int
    rows_skipped: int
    rows_rejected: int
    events_added: int
    observations_added: int
    duplicates: int
    events_linked: int
    coverage_start: date
    coverage_end: date
    already_imported: bool
    report: str | None = None

    @classmethod
    def of(
        cls,
        batch: ImportBatch,
        *,
        skipped: int,
        rejected: int,
        events: int,
        observations: int,
        duplicates: int,
        linked: int,
        again: bool,
        report: Path | None = None,
    ) -> ImportReport:
        """The report of ``batch``, with what this import did."""
        return cls(
            batch_id=batch.id,
            format=batch.format,
            file_name=batch.file_name,
            rows=batch.rows,
            rows_skipped=skipped,
            rows_rejected=rejected,
            events_added=events,
            observations_added=observations,
            duplicates=duplicates,
            events_linked=linked,
            coverage_start=batch.coverage_start,
            coverage_end=batch.coverage_end,
            already_imported=again,
            report=None if report is None else str(report),
        )


class FormatInfo(_Schema):
    """An import format, for help texts and the API."""

    name: str
    description: str
    source_name: str


class BatchInfo(_Schema):
    """One imported file and what it added."""

    id: int
    format: str
    file_name: str
    sha256: str
    source_key: str
    source_name: str
    rows: int
    events: int
    observations: int
    coverage_start: date
    coverage_end: date
    imported_at: datetime


class SourceRead(_Schema):
    """A source and its Admiralty reliability grade (A-F)."""

    key: str
    name: str
    family: str
    reliability: str
    reliability_means: str
    url: str
    licence: str
    events: int


class EventRead(_Schema):
    """One event in the commission's schema, with its grade (e.g. ``B2``)."""

    id: int
    source: str
    external_key: str
    occurred_on: date
    date_precision: str
    category: str
    event_type: str
    actor1: str
    actor2: str
    target: str
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
    duplicate_of: int | None
    grade: str
    credibility_means: str


class LinkRead(_Schema):
    """A link between two reports of one event; ``undone_at`` set once a person undid it."""

    id: int
    event_id: int
    original_id: int
    other_source: str
    other_external_key: str
    reason: str
    linked_at: datetime
    undone_at: datetime | None
    undone_by: str


class AccountRead(_Schema):
    """One party's account of an event."""

    commission_id: str
    party: str
    category: str
    deaths: float | None
    text: str
    recorded_at: datetime
    recorded_by: str

    @classmethod
    def of(cls, account: EventAccount) -> AccountRead:
        return cls(
            commission_id=account.commission_id,
            party=account.party,
            category=account.category,
            deaths=account.deaths,
            text=account.text,
            recorded_at=account.recorded_at,
            recorded_by=account.recorded_by,
        )


class EventDetail(_Schema):
    """An event with why it has its grade, its linked reports and the parties' accounts."""

    event: EventRead
    reliability_means: str
    credibility_why: str
    links: list[LinkRead]
    accounts: list[AccountRead]


class EventPage(_Schema):
    """A page of the events matching a filter, and how many match in all."""

    total: int
    events: list[EventRead]


class AccountWrite(_Schema):
    """A party's account of an event: the category it counts the event in, deaths, its text."""

    category: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    deaths: float | None = Field(default=None, ge=0, le=1_000_000)
    text: str = Field(min_length=1, max_length=10_000)
