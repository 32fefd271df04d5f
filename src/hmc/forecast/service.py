"""Sample paths for every indicator of a commission, per area, from what was known on a date.

Measured indicators get the model their own backtest picks (:func:`hmc.forecast.backtest.
select`); rated ones their last signed level and the planned milestones
(:mod:`hmc.forecast.rated`). Each track keeps the weeks of history the gates read, so that
a sustained condition that began before the date counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from hmc.assessment.values import rated_series
from hmc.domain.gates import MAX_WINDOW, stored_gate
from hmc.forecast import PATHS
from hmc.forecast.backtest import select
from hmc.forecast.methods import Array, run
from hmc.forecast.rated import rated_paths
from hmc.framework.records import AreaInfo, Framework, IndicatorInfo
from hmc.framework.service import framework, resolve_as_of
from hmc.indicators.service import Series, first_incomplete, series

HORIZON = 156  # weeks ahead: three years

MIN_KNOWN = 12  # weeks of values a measured series needs to be forecast


@dataclass(frozen=True)
class Track:
    """One indicator in one area (None: nationwide): history then paths, on the weekly grid."""

    indicator: IndicatorInfo
    area: str | None
    history: Array  # (lookback,) weekly values before the first future week, NaN unknown
    paths: Array  # (paths, horizon)
    model: str  # the model used, or "rating" / "none"
    note: str = ""  # why there is no forecast, or what it rests on

    def full(self) -> Array:
        """History and paths on one grid: ``(paths, lookback + horizon)``."""
        past = np.broadcast_to(self.history, (self.paths.shape[0], self.history.size))
        return np.concatenate([past, self.paths], axis=1)


@dataclass(frozen=True)
class Forecast:
    framework: Framework
    as_of: date
    start: date  # the Monday of the first future week (the week holding as_of, if incomplete)
    horizon: int
    paths: int
    lookback: int
    tracks: dict[tuple[str, str | None], Track] = field(hash=False)
    # each gate's conditions over the paths, per (expression, area), once computed
    conditions: dict[tuple[str, str], Array] = field(
        default_factory=dict, init=False, hash=False, compare=False, repr=False
    )

    @property
    def week_ends(self) -> list[date]:
        return [self.start + timedelta(weeks=w, days=6) for w in range(self.horizon)]

    def track(self, indicator: str, area: AreaInfo | None) -> Track:
        """The track a gate of ``area`` reads for ``indicator`` (nationwide unless per area)."""
        scoped = area is not None and self.framework.indicator(indicator).scope == "area"
        return self.tracks[(indicator, area.key if scoped and area else None)]


def lookback(current: Framework) -> int:
    """Weeks of history the gates of ``current`` read back from any one week."""
    windows = [
        stored_gate(g.expression).lookback()
        for p in current.phases
        for g in p.gates
        if g.expression
    ]
    return min(max(windows, default=1), MAX_WINDOW)


def forecast(
    session: Session,
    *,
    commission_id: str,
    as_of: date | None = None,
    paths: int = PATHS,
    horizon: int = HORIZON,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Forecast:
    """Paths for every indicator nationwide, and per area for those counted per area."""
    current = framework(session, commission_id=commission_id)
    as_of = resolve_as_of(current.commission, as_of)
    start = first_incomplete(as_of, "week")
    back = lookback(current)
    rng = np.random.default_rng(seed)
    ends = [start + timedelta(weeks=w, days=6) for w in range(horizon)]
    tracks: dict[tuple[str, str | None], Track] = {}
    for indicator in current.indicators:
        for area in (None, *(current.areas if indicator.scope == "area" else ())):
            if progress is not None:
                progress(f"{indicator.key} {area.key if area else 'nationwide'}")
            if indicator.kind == "rated":
                known = rated_series(
                    session, commission_id=commission_id, indicator=indicator, area=area,
                    as_of=as_of,
                )  # fmt: skip
                history = _grid(known, start, back)
                planned = [
                    m
                    for m in current.milestones
                    if m.indicator == indicator.key and (m.area is None or area is None
                                                         or m.area == area.key)
                ]  # fmt: skip
                last = _last(known)
                levels = rated_paths(last, planned, ends, paths, rng)
                note = "no signed rating yet" if not known.values else ""
                if math.isnan(last) and known.values:
                    note = "latest rating disputed"
                tracks[(indicator.key, area.key if area else None)] = Track(
                    indicator, area.key if area else None, history, levels, "rating", note
                )
                continue
            known = series(session, indicator=indicator, area=area, period="week", as_of=as_of)
            tracks[(indicator.key, area.key if area else None)] = _measured(
                indicator, area, known, start, back, horizon, paths, rng
            )
    return Forecast(current, as_of, start, horizon, paths, back, tracks)


def _measured(
    indicator: IndicatorInfo,
    area: AreaInfo | None,
    known: Series,
    start: date,
    back: int,
    horizon: int,
    paths: int,
    rng: np.random.Generator,
) -> Track:
    history = _grid(known, start, back)
    values = np.array([v for v in known.values if not math.isnan(v)], dtype=float)
    key = area.key if area else None
    if values.size < MIN_KNOWN:
        note = f"too little history to forecast ({values.size} weeks of values)"
        return Track(indicator, key, history, np.full((paths, horizon), np.nan), "none", note)
    gap = (start - known.period_starts[-1]).days // 7 - 1  # weeks between the last value and now
    model = select(values)
    drawn = run(model, values, gap + horizon, paths, rng)[:, gap:]
    note = f"last value {gap} weeks before the forecast starts" if gap > 8 else ""
    return Track(indicator, key, history, drawn, model, note)


def _grid(known: Series, start: date, back: int) -> Array:
    """The ``back`` weeks before ``start`` from ``known`` (NaN where it has no value)."""
    grid = np.full(back, np.nan)
    first = start - timedelta(weeks=back)
    for day, value in zip(known.period_starts, known.values, strict=True):
        index = (day - first).days // 7
        if 0 <= index < back:
            grid[index] = value
    return grid


def _last(known: Series) -> float:
    return float(known.values[-1]) if known.values else math.nan
