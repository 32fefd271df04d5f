"""What the review queue shows and takes: items with their report, edits, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hmc.news.items import CATEGORIES, TYPES

Decision = Literal["accept", "edit", "reject", "merge"]
Topic = Literal["timeline", "sovereignty", "self_defence", "conditions", "other"]


class ReportRead(BaseModel):
    """A report as imported: where from, when, its digest and the text items point into."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    file_name: str
    outlet: str
    url: str
    published: dt.date
    language: str
    sha256: str
    text: str


class ItemRead(BaseModel):
    """One proposed item, its sentence, and what was decided of it (and what it became)."""

    id: int
    report_id: int
    state: str
    type: str
    category: str
    date: dt.date | None
    date_from: dt.date | None
    date_to: dt.date | None
    date_text: str
    place: str
    governorate: str | None
    actor: str
    target: str
    party: str | None
    killed: int | None
    wounded: int | None
    count: int | None
    count_qualifier: str | None
    span: tuple[int, int]
    sentence: str
    extractor: str
    decided_by: str
    decided_at: dt.datetime | None
    event_id: int | None
    observation_id: int | None
    outlet: str
    published: dt.date


class MatchRead(BaseModel):
    """An event already known that an item may report again (same category, day ± 1, place)."""

    event_id: int
    source: str
    day: dt.date
    category: str
    governorate: str | None
    place: str


class ItemDetail(BaseModel):
    """One item with its report and the events it may be the same as."""

    item: ItemRead
    report: ReportRead
    matches: list[MatchRead]


class ItemEdit(BaseModel):
    """The fields a reviewer changes before accepting (those left out are kept)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal[TYPES] | None = None  # type: ignore[valid-type]
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place: str | None = Field(default=None, max_length=200)
    governorate: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=200)
    target: str | None = Field(default=None, max_length=200)
    party: str | None = Field(default=None, max_length=32)
    killed: int | None = Field(default=None, ge=0, le=1_000_000)
    wounded: int | None = Field(default=None, ge=0, le=1_000_000)
    count: int | None = Field(default=None, ge=0, le=1_000_000)


class DecisionWrite(BaseModel):
    """A decision on an item: ``edit`` with ``changes``, ``merge`` with ``event_id``; a
    statement or position accepted is recorded under ``topic`` (default: from its words)."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    changes: ItemEdit | None = None
    event_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    topic: Topic | None = None


class PositionRead(BaseModel):
    """What a party said, when, on what, linked to its report."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    party: str
    said_on: dt.date
    topic: str
    actor: str
    quotation: str
    item_id: int
    report_id: int
    recorded_by: str


class NewsImport(BaseModel):
    """What importing reports did: per report, its items, or that it was there already."""

    file: str
    report_id: int
    batch_id: int
    sha256: str
    published: dt.date
    language: str
    items: int
    again: bool
