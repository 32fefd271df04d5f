"""Computed indicator values, grouped in series: one computation each, shared by versions.

A series is one measured definition computed over one geography (a set of governorates, or
nationwide). It is found by the digest of the two, so any framework version whose indicator
asks for the same computation reads the same values, and an edit elsewhere in the
configuration recomputes nothing. ``data_version`` is the newest import batch the values
include: a later batch that the definition reads makes them stale.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base


class IndicatorSeries(Base):
    __tablename__ = "indicator_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    governorates: Mapped[list[str] | None] = mapped_column(JSON)  # None: nationwide
    data_version: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    computed_by: Mapped[str] = mapped_column(String(200))


class IndicatorValue(Base):
    """``known_on`` is the first day the value could be known: as-of queries filter on it."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("series_id", "period", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("indicator_series.id"))
    period: Mapped[str] = mapped_column(String(8))  # week | month
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    known_on: Mapped[date] = mapped_column(Date)
