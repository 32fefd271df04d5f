"""Stored timelines: a forecast's summary, with the versions of what it was made from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base


class ForecastRun(Base):
    """One computation of a commission's forecasts and timeline as of a date.

    It is current while the framework version, the newest import batch and the newest
    signature are the ones it was made from; after that it is stale and shown as such.
    """

    __tablename__ = "forecast_run"
    __table_args__ = (Index("ix_forecast_run_commission", "commission_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"))
    as_of: Mapped[date] = mapped_column(Date)
    framework_version: Mapped[int]
    data_version: Mapped[int]  # the newest import batch id (0: none)
    assessment_version: Mapped[int]  # the newest signature id (0: none)
    paths: Mapped[int]
    horizon: Mapped[int]
    seed: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    computed_by: Mapped[str] = mapped_column(String(200))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
