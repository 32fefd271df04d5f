"""Computing indicator values from evidence, and reading them back as of a date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from hmc.domain.series import fill_zeros, from_counts, period_end
from hmc.evidence.models import ImportBatch
from hmc.framework.models import Area, Commission, Indicator
from hmc.framework.service import get_commission
from hmc.indicators.compile import counts_expr, events_expr, matching_events, to_sql
from hmc.indicators.models import IndicatorValue

PERIODS = ("week", "month")


@dataclass(frozen=True)
class ComputeReport:
    commission: str
    indicators: int
    values: int


def compute(
    session: Session,
    *,
    commission_id: str,
    progress: Callable[[str], None] | None = None,
) -> ComputeReport:
    """Recompute every measured indicator of a commission, weekly and monthly."""
    commission = get_commission(session, commission_id=commission_id)
    measured = [i for i in commission.indicators if i.kind == "measured"]
    session.execute(
        delete(IndicatorValue).where(IndicatorValue.indicator_id.in_([i.id for i in measured]))
    )
    total = 0
    for indicator in measured:
        rows: list[dict[str, Any]] = []
        coverage = _coverage(session, indicator)
        for period in PERIODS:
            by_governorate = _by_governorate(session, indicator, period)
            for area_id, frame in _groups(commission, indicator, by_governorate):
                if coverage is not None:
                    frame = fill_zeros(frame, start=coverage[0], end=coverage[1], period=period)
                rows.extend(
                    {
                        "indicator_id": indicator.id,
                        "area_id": area_id,
                        "period": period,
                        "period_start": start,
                        "value": float(value),
                        "known_on": known_on,
                    }
                    for start, value, known_on in zip(
                        frame["period_start"], frame["value"], frame["known_on"], strict=True
                    )
                )
        if rows:
            session.execute(insert(IndicatorValue), rows)
        total += len(rows)
        if progress:
            progress(indicator.key)
    return ComputeReport(commission=commission.id, indicators=len(measured), values=total)


def _by_governorate(session: Session, indicator: Indicator, period: str) -> pd.DataFrame:
    dialect = session.get_bind().dialect.name
    definition = indicator.definition
    if definition["source"] == "events":
        sql = to_sql(events_expr(definition, period=period), dialect)
        frame = _frame(session, sql)
        frame["known_on"] = [period_end(d, period) for d in frame["period_start"]]
        return frame
    return from_counts(_frame(session, to_sql(counts_expr(definition), dialect)), period=period)


def _frame(session: Session, sql: str) -> pd.DataFrame:
    result = session.execute(text(sql))
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for column in ("period_start", "period_end"):
        if column in frame:
            frame[column] = [date.fromisoformat(str(v)[:10]) for v in frame[column]]
    return frame


def _groups(
    commission: Commission, indicator: Indicator, frame: pd.DataFrame
) -> list[tuple[int | None, pd.DataFrame]]:
    """The national series, and one per area for indicators measured per area."""

    def total(part: pd.DataFrame) -> pd.DataFrame:
        out = part.groupby("period_start", as_index=False).agg(
            value=("value", "sum"), known_on=("known_on", "max")
        )
        out["known_on"] = out["known_on"].dt.date
        return out

    frame = frame.assign(known_on=pd.to_datetime(frame["known_on"]))

    groups: list[tuple[int | None, pd.DataFrame]] = [(None, total(frame))]
    if indicator.scope == "area":
        for area in commission.areas:
            names = {g.governorate for g in area.governorates}
            groups.append((area.id, total(frame[frame["governorate"].isin(names)])))
    return groups


def _coverage(session: Session, indicator: Indicator) -> tuple[date, date] | None:
    """The dates covered by the sources of an events indicator (within them, none is zero)."""
    if indicator.definition["source"] != "events":
        return None
    sources = to_sql(
        matching_events(indicator.definition).select("source_id").distinct(),
        session.get_bind().dialect.name,
    )
    start, end = session.execute(
        select(func.min(ImportBatch.coverage_start), func.max(ImportBatch.coverage_end)).where(
            ImportBatch.source_id.in_(text(sources))
        )
    ).one()
    return None if start is None else (start, end)


@dataclass(frozen=True)
class Series:
    """An indicator's values for one area (or nationwide) as known on ``as_of``."""

    indicator: Indicator
    area: Area | None
    period_starts: list[date]
    values: list[float]

    @property
    def latest(self) -> tuple[date, float] | None:
        return (self.period_starts[-1], self.values[-1]) if self.values else None


def series(
    session: Session, *, indicator: Indicator, area: Area | None, period: str, as_of: date
) -> Series:
    """The values known on ``as_of`` for complete periods ending on or before it."""
    area_id = area.id if area is not None and indicator.scope == "area" else None
    rows = session.execute(
        select(IndicatorValue.period_start, IndicatorValue.value)
        .where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.area_id.is_(None)
            if area_id is None
            else IndicatorValue.area_id == area_id,
            IndicatorValue.period == period,
            IndicatorValue.known_on <= as_of,
        )
        .order_by(IndicatorValue.period_start)
    ).all()
    kept = [(s, v) for s, v in rows if period_end(s, period) <= as_of]
    return Series(indicator, area, [s for s, _ in kept], [v for _, v in kept])
