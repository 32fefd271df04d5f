"""Evidence: sources, import batches, events and the counts that sources publish."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint
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
    coverage_start: Mapped[date]
    coverage_end: Mapped[date]
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[Source] = relationship()


class Event(Base):
    """One thing that happened, as one source reported it."""

    __tablename__ = "event"
    __table_args__ = (
        UniqueConstraint("source_id", "external_key"),
        Index("ix_event_day", "occurred_on"),
        Index("ix_event_batch", "batch_id"),
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
