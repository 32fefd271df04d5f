"""Evidence: sources, import batches, events, their links and accounts, and published counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmc.storage.base import Base


class Source(Base):
    """Who published the evidence, under what licence, and how reliable it is (A–F)."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    reliability: Mapped[str | None] = mapped_column(String(1))
    # Sources of one family (UCDP GED and UCDP Candidate) do not corroborate each other.
    family: Mapped[str] = mapped_column(String(64), default="")


class ImportBatch(Base):
    """One file imported once: the same bytes in the same format are never imported twice."""

    __tablename__ = "import_batch"
    __table_args__ = (UniqueConstraint("format", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    format: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)  # bad rows skipped
    coverage_start: Mapped[date]
    coverage_end: Mapped[date]
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[Source] = relationship()


class Event(Base):
    """One thing that happened, as one source reported it.

    ``external_key`` is the source's own id of the event; ``date_precision`` says how well
    its date is known (``day``, ``days``, ``week``, ``month``, ``year``); ``deaths`` is the
    best estimate of the fatalities, between ``deaths_low`` and ``deaths_high`` where the
    source gives a range. ``duplicate_of`` is the event it was linked to as the same event
    reported by another source (see EventLink): a duplicate is not counted twice.
    """

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("source_id", "external_key"),
        Index("ix_event_day", "occurred_on"),
        Index("ix_event_batch", "batch_id"),
        Index(  # only the events linked as duplicates: most are not
            "ix_event_duplicate",
            "duplicate_of",
            sqlite_where=text("duplicate_of IS NOT NULL"),
            postgresql_where=text("duplicate_of IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    external_key: Mapped[str] = mapped_column(String(128))
    occurred_on: Mapped[date] = mapped_column(Date)
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime)
    category: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64), default="")
    target: Mapped[str] = mapped_column(String(64), default="")
    governorate: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    deaths: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    date_precision: Mapped[str] = mapped_column(String(16), default="day")
    deaths_low: Mapped[float | None] = mapped_column(Float)
    deaths_high: Mapped[float | None] = mapped_column(Float)
    actor1: Mapped[str] = mapped_column(String(300), default="")
    actor2: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))


class EventLink(Base):
    """Two reports of one event by two sources, found by the linking rule; a person may undo it.

    ``event_id`` is the later report (a duplicate while the link stands), ``original_id`` the
    one it duplicates. An undone link is kept, with who undid it and when.
    """

    __tablename__ = "event_link"
    __table_args__ = (
        UniqueConstraint("event_id", "original_id"),
        Index("ix_event_link_original", "original_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    original_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    days: Mapped[int]
    distance_km: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(300))
    linked_at: Mapped[datetime] = mapped_column(DateTime)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str] = mapped_column(String(200), default="")


class EventAccount(Base):
    """One party's account of an event: what it says happened, kept beside the other's.

    Recorded by a member of that party, visible to both once recorded. ``category`` and
    ``deaths`` are what indicators count "by this party's account".
    """

    __tablename__ = "event_account"
    __table_args__ = (UniqueConstraint("event_id", "commission_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"))
    party: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(64))
    deaths: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))


class Observation(Base):
    """A published count: one value of a series over a period, for a governorate or nationwide.

    ``basis`` is ``period`` (the count within the period) or ``cumulative`` (the running
    total reported on ``period_end`` since ``period_start``).
    """

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint("source_id", "series", "governorate", "period_start", "period_end"),
        Index("ix_observation_series", "series", "period_start"),
        Index("ix_observation_batch", "batch_id", "series"),  # which series each import fed
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    series: Mapped[str] = mapped_column(String(64))
    governorate: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(16), default="period")
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
