"""Where each indicator stands, and whether each phase's gate held, as of a date."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TypeVar, cast

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hmc.assessment.values import SignedRound, latest_signed, rated_series
from hmc.audit.models import AuditRecord
from hmc.audit.types import TYPES
from hmc.domain.gates import stored_gate
from hmc.domain.periods import week_start
from hmc.framework.models import FrameworkVersion
from hmc.framework.records import (
    AreaInfo,
    CommissionInfo,
    Framework,
    GateInfo,
    IndicatorInfo,
)
from hmc.framework.service import framework, resolve_as_of
from hmc.indicators.models import IndicatorSeries
from hmc.indicators.service import Series, freshness, series

TREND_WEEKS = 26
REASONS = {
    "no_later_than": "date: no later than {date}",
    "not_before": "date: not before {date}",
    "date_reached": "date: from {date}",
    "awaiting_date": "date: holds on {date}",
    "conditions_unknown": "conditions unknown: missing data",
    "conditions_held": "conditions held",
    "conditions_not_met": "conditions not met",
}
Weekly = Callable[[str, AreaInfo | None], Series]
T = TypeVar("T")


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: IndicatorInfo
    area: AreaInfo | None
    latest_period: date | None
    latest_value: float | None  # the last value known, however old
    value: float | None  # the current value: None when there is none from the last 8 weeks
    met: bool | None
    trend: list[tuple[date, float]]
    disputed: bool = False  # a rated indicator whose latest joint rating is "disputed"


@dataclass(frozen=True)
class GateStatus:
    gate: GateInfo
    phase_key: str
    phase_name: str
    condition: bool | None  # the expression alone: True, False, or None when unknown
    held: bool | None
    reason_code: str  # a key of REASONS
    reason_date: date | None
    values: dict[str, float | None] = field(default_factory=dict)
    # when a disputed rating leaves the conditions unknown: what they are on each party's rating
    by_party: dict[str, bool | None] = field(default_factory=dict)
    series: dict[str, np.ndarray] = field(default_factory=dict)  # the weeks the gate read

    @property
    def reason(self) -> str:
        """Why the gate is in its state, in English."""
        return REASONS[self.reason_code].format(date=self.reason_date)


@dataclass(frozen=True)
class CommissionStatus:
    framework: Framework
    as_of: date
    indicators: list[IndicatorStatus]
    gates: list[GateStatus]
    newest_evidence: date | None  # the last day covered by the evidence its indicators read
    stale_since: datetime | None  # values are stale (evidence imported since); None: current
    assessment: SignedRound | None = None  # the signed round the rated indicators come from

    @property
    def commission(self) -> CommissionInfo:
        return self.framework.commission

    def for_area(self, area: AreaInfo | None) -> list[IndicatorStatus]:
        return [s for s in self.indicators if s.area == area]


def _met(indicator: IndicatorInfo, value: float | None) -> bool | None:
    if value is None or indicator.threshold is None:
        return None
    if indicator.better == "lower":
        return value <= indicator.threshold
    return value >= indicator.threshold


def _indicator_status(s: Series, as_of: date) -> IndicatorStatus:
    known = [(d, v) for d, v in zip(s.period_starts, s.values, strict=True) if not math.isnan(v)]
    latest = known[-1] if known else None
    current = latest is not None and latest[0] >= week_start(as_of) - timedelta(weeks=8)
    value = latest[1] if latest is not None and current else None
    disputed = bool(s.values) and math.isnan(s.values[-1])  # NaN: no joint rating, a dispute
    return IndicatorStatus(
        indicator=s.indicator,
        area=s.area,
        latest_period=s.period_starts[-1] if disputed else latest[0] if latest else None,
        latest_value=None if disputed else latest[1] if latest else None,
        value=None if disputed else value,
        met=None if disputed else _met(s.indicator, value),
        trend=known[-TREND_WEEKS:],
        disputed=disputed,
    )


def status(session: Session, *, commission_id: str, as_of: date | None) -> CommissionStatus:
    """Indicators (nationwide and per area) and every gate, as known on ``as_of``.

    Without ``as_of``: the commission's own date (a replay's), else today. A repeat costs
    one query (see :func:`kept`).
    """
    return kept(session, commission_id=commission_id, as_of=as_of, name="", make=lambda s: s)


def kept(
    session: Session,
    *,
    commission_id: str,
    as_of: date | None,
    name: str,
    make: Callable[[CommissionStatus], T],
) -> T:
    """``make`` of the status (the status itself, its JSON, ...) under ``name``, made once.

    It is kept under the versions of what the status is made of (see :func:`versions`),
    read anew each time: any write that changes one of them makes the next answer computed
    afresh, in every process that serves the database.
    """
    key: tuple[object, ...] = (str(session.get_bind().engine.url), commission_id, as_of)
    key += (date.today(), *versions(session, commission_id=commission_id))
    found = _kept.get((name, *key))
    if found is None:
        base = _kept.get(("", *key))
        if base is None:
            base = _status(session, commission_id=commission_id, as_of=as_of)
            _kept.put(("", *key), base)
        found = make(cast(CommissionStatus, base))
        _kept.put((name, *key), found)
    return cast(T, found)


def versions(session: Session, *, commission_id: str) -> tuple[object, ...]:
    """The versions a commission's status is made of, in one query: its framework version,
    the last audited write that is not about accounts (an import, a framework loaded, a
    rating submitted, a round signed, ...), and the last computation of indicators."""
    accounts = [t.name for t in TYPES if t.about == "accounts"]  # sign-ins change no status
    row = session.execute(
        select(
            select(func.max(FrameworkVersion.number))
            .where(FrameworkVersion.commission_id == commission_id)
            .scalar_subquery(),
            select(func.max(AuditRecord.id))
            .where(AuditRecord.object_type.not_in(accounts))
            .scalar_subquery(),
            select(func.max(IndicatorSeries.computed_at)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


class _Kept:
    """The last few statuses (and what is made of them) in this process, by their key; the
    least recently used go first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[tuple[object, ...], object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> object | None:
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], found: object) -> None:
        with self._lock:
            self._found[key] = found
            while len(self._found) > self._size:
                self._found.popitem(last=False)


_kept = _Kept(128)


def _status(session: Session, *, commission_id: str, as_of: date | None) -> CommissionStatus:
    current = framework(session, commission_id=commission_id)
    as_of = resolve_as_of(current.commission, as_of)
    cache: dict[tuple[str, AreaInfo | None, str | None], Series] = {}

    def weekly(indicator: IndicatorInfo, area: AreaInfo | None, party: str | None = None) -> Series:
        key = (indicator.key, area if indicator.scope == "area" else None, party)
        if key not in cache:
            if indicator.kind == "rated":
                cache[key] = rated_series(
                    session,
                    commission_id=commission_id,
                    indicator=indicator,
                    area=area,
                    as_of=as_of,
                    party=party,
                )
            else:
                cache[key] = series(
                    session, indicator=indicator, area=area, period="week", as_of=as_of
                )
        return cache[key]

    indicators = [_indicator_status(weekly(i, None), as_of) for i in current.indicators]
    for area in current.areas:
        indicators += [
            _indicator_status(weekly(i, area), as_of)
            for i in current.indicators
            if i.scope == "area"
        ]
    parties = [p.key for p in current.commission.parties]
    gates = []
    for phase in current.phases:
        for gate in phase.gates:
            found = _gate_status(
                gate, phase.key, phase.name, as_of, lambda k, a: weekly(current.indicator(k), a)
            )
            if found.condition is None and gate.expression is not None:
                found = _by_party(found, parties, as_of, current, weekly)
            gates.append(found)
    fresh = freshness(session, current, as_of=as_of)
    signed = latest_signed(session, commission_id=commission_id, as_of=as_of)
    return CommissionStatus(
        current, as_of, indicators, gates, fresh.newest_evidence, fresh.stale_since, signed
    )


def _gate_status(
    gate: GateInfo, phase_key: str, phase_name: str, as_of: date, weekly: Weekly
) -> GateStatus:
    condition, values, arrays = _condition(gate, as_of, weekly)
    held: bool | None
    day: date | None = None
    if gate.no_later_than is not None and as_of >= gate.no_later_than:
        held, code, day = True, "no_later_than", gate.no_later_than
    elif gate.not_before is not None and as_of < gate.not_before:
        held, code, day = False, "not_before", gate.not_before
    elif gate.expression is None and gate.not_before is not None:
        held, code, day = True, "date_reached", gate.not_before
    elif gate.expression is None:
        held, code, day = False, "awaiting_date", gate.no_later_than
    elif condition is None:
        held, code = None, "conditions_unknown"
    else:
        held, code = condition, "conditions_held" if condition else "conditions_not_met"
    return GateStatus(gate, phase_key, phase_name, condition, held, code, day, values, {}, arrays)


def _by_party(
    found: GateStatus,
    parties: list[str],
    as_of: date,
    current: Framework,
    weekly: Callable[[IndicatorInfo, AreaInfo | None, str | None], Series],
) -> GateStatus:
    """``found`` with its conditions on each party's ratings, when a dispute makes them unknown."""
    by_party: dict[str, bool | None] = {}
    for party in parties:

        def on_rating(key: str, area: AreaInfo | None, party: str = party) -> Series:
            return weekly(current.indicator(key), area, party)

        by_party[party] = _condition(found.gate, as_of, on_rating)[0]
    if all(c is None for c in by_party.values()):
        return found  # unknown on either rating: no dispute is what holds it back
    return replace(found, by_party=by_party)


def _condition(
    gate: GateInfo, as_of: date, weekly: Weekly
) -> tuple[bool | None, dict[str, float | None], dict[str, np.ndarray]]:
    if gate.expression is None:
        return None, {}, {}
    parsed = stored_gate(gate.expression)
    last = week_start(as_of) - timedelta(weeks=0 if as_of.weekday() == 6 else 1)
    found = {key: weekly(key, gate.area) for key in sorted(parsed.indicators())}
    starts = [s.period_starts[0] for s in found.values() if s.period_starts]
    first = min(starts, default=last)
    n = (last - first).days // 7 + 1
    arrays: dict[str, np.ndarray] = {}
    values: dict[str, float | None] = {}
    for key, s in found.items():
        array = np.full(n, np.nan)
        for start, value in zip(s.period_starts, s.values, strict=True):
            index = (start - first).days // 7
            if 0 <= index < n:
                array[index] = value
        arrays[key] = array
        values[key] = None if math.isnan(array[-1]) else float(array[-1])
    result = float(parsed.evaluate(arrays, weeks=n)[-1]) if n > 0 else math.nan
    return (None if math.isnan(result) else result == 1.0), values, arrays
