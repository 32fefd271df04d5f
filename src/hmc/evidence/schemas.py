"""What the evidence service returns: import reports, formats and batches."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class _Schema(BaseModel):
    model_config = ConfigDict(frozen=True)


class ImportReport(_Schema):
    """The outcome of importing one file.

    ``rows`` is the number of data rows read, ``rows_skipped`` those that hold no evidence
    (e.g. repeated page headings), ``duplicates`` the events and observations already in the
    database (or repeated in the file), which were not added again.
    """

    batch_id: int
    format: str
    file_name: str
    rows: int
    rows_skipped: int
    events_added: int
    observations_added: int
    duplicates: int
    coverage_start: date
    coverage_end: date
    already_imported: bool


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
