"""Computed indicator values: one per indicator, area (or nationwide) and period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base


class IndicatorValue(Base):
    """``known_on`` is the first day the value could be known: as-of queries filter on it."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "area_id", "period", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(8))  # week | month
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    known_on: Mapped[date] = mapped_column(Date)
