"""Indicator series: knowing when they are stale, reading them back.

A series (see :mod:`hmc.indicators.models`) is computed once per definition and geography
and kept until evidence it reads is imported after it: then it is *stale* until computed
again. Reading never computes: it says how fresh what it read is. Computing lives in
:mod:`hmc.indicators.computing`, with the engines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from hmc.domain.periods import next_start, period_start
from hmc.evidence.models import Event, EventAccount, EventLink, ImportBatch, Observation, Source
from hmc.framework.records import AreaInfo, Framework, IndicatorInfo
from hmc.indicators.models import IndicatorSeries, IndicatorValue

Geography = tuple[str, ...] | None  # the governorates of an area; None: nationwide


@dataclass(frozen=True)
class Batch:
    """What one import added, as far as staleness goes."""

    id: int
    imported_at: datetime
    source_key: str
    coverage_end: date
    has_events: bool
    series: frozenset[str]
    coverage_start: date


@dataclass(frozen=True)
class Freshness:
    """How fresh a commission's values are: stale since when (None: current)."""

    stale_since: datetime | None
    newest_evidence: date | None  # the last day the evidence its indicators read covers


def digest(definition: dict[str, Any], geography: Geography) -> str:
    """The id of one computation: a definition over a geography.

    >>> digest({"source": "events"}, None) == digest({"source": "events"}, None)
    True
    >>> digest({"source": "events"}, ("anbar",)) == digest({"source": "events"}, None)
    False
    """
    body = {
        "definition": definition,
        "governorates": None if geography is None else sorted(geography),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def geography(indicator: IndicatorInfo, area: AreaInfo | None) -> Geography:
    """Where a value of ``indicator`` is counted for ``area`` (nationwide if not per area)."""
    if area is None or indicator.scope != "area":
        return None
    return tuple(sorted(area.governorates))


def batches(session: Session) -> list[Batch]:
    """Every import, oldest first, with what it added."""
    has_events = exists().where(Event.batch_id == ImportBatch.id)
    rows = session.execute(
        select(
            ImportBatch.id,
            ImportBatch.imported_at,
            Source.key,
            ImportBatch.coverage_end,
            has_events,
            ImportBatch.coverage_start,
        )
        .join(Source, Source.id == ImportBatch.source_id)
        .order_by(ImportBatch.id)
    ).all()
    series: dict[int, set[str]] = {}
    for batch_id, name in session.execute(
        select(Observation.batch_id, Observation.series).distinct()
    ):
        series.setdefault(batch_id, set()).add(name)
    return [
        Batch(i, at, key, end, bool(events), frozenset(series.get(i, ())), start)
        for i, at, key, end, events, start in rows
    ]


def reads(definition: dict[str, Any], batch: Batch) -> bool:
    """Whether an indicator of ``definition`` reads evidence of ``batch``."""
    if definition["source"] == "indicators":
        return any(reads(d, batch) for d in definition["of"])
    if definition["source"] == "counts":
        return definition["series"] in batch.series
    wanted = definition.get("where", {}).get("source")
    sources = [wanted] if isinstance(wanted, str) else wanted
    return batch.has_events and (sources is None or batch.source_key in sources)


def changed_at(session: Session, definition: dict[str, Any]) -> datetime | None:
    """When the events an indicator counts last changed other than by an import: a link made
    or undone, or (counted by a party's account) an account recorded or revised."""
    if definition["source"] == "indicators":
        return max((t for d in definition["of"] if (t := changed_at(session, d))), default=None)
    if definition["source"] != "events":
        return None
    times = [
        session.scalar(select(func.max(EventLink.linked_at))),
        session.scalar(select(func.max(EventLink.undone_at))),
    ]
    if "account" in definition:
        times.append(
            session.scalar(
                select(func.max(EventAccount.recorded_at)).where(
                    EventAccount.commission_id == definition["commission"],
                    EventAccount.party == definition["account"],
                )
            )
        )
    return max((t for t in times if t is not None), default=None)


def data_version(definition: dict[str, Any], known: Iterable[Batch]) -> int:
    return max((b.id for b in known if reads(definition, b)), default=0)


def freshness(session: Session, current: Framework, *, as_of: date) -> Freshness:
    """Whether a commission's values are stale, and the newest evidence they read."""
    known = batches(session)
    measured = [i for i in current.indicators if i.kind == "measured"]
    wanted = {
        digest(i.definition, geography(i, a)): i for i in measured for a in (None, *current.areas)
    }
    stored = {
        d: v
        for d, v in session.execute(
            select(IndicatorSeries.digest, IndicatorSeries.data_version).where(
                IndicatorSeries.digest.in_(wanted)
            )
        )
    }
    since: list[datetime] = []
    for key, indicator in wanted.items():
        newer = [b for b in known if reads(indicator.definition, b) and b.id > stored.get(key, 0)]
        if key not in stored:
            since.append(current.commission.loaded_at)
        since += [b.imported_at for b in newer[:1]]
    ends = [
        b.coverage_end
        for b in known
        if b.coverage_start <= as_of and any(reads(i.definition, b) for i in measured)
    ]
    newest = min(max(ends), as_of) if ends else None
    return Freshness(min(since, default=None), newest)


@dataclass(frozen=True)
class Series:
    """An indicator's values for one area (or nationwide) as known on ``as_of``."""

    indicator: IndicatorInfo
    area: AreaInfo | None
    period_starts: list[date]
    values: list[float]

    @property
    def latest(self) -> tuple[date, float] | None:
        return (self.period_starts[-1], self.values[-1]) if self.values else None


def series(
    session: Session,
    *,
    indicator: IndicatorInfo,
    area: AreaInfo | None,
    period: str,
    as_of: date,
) -> Series:
    """The values known on ``as_of`` for complete periods ending on or before it."""
    if indicator.kind != "measured":
        return Series(indicator, area, [], [])
    key = digest(indicator.definition, geography(indicator, area))
    rows = session.execute(
        select(IndicatorValue.period_start, IndicatorValue.value)
        .join(IndicatorSeries, IndicatorSeries.id == IndicatorValue.series_id)
        .where(
            IndicatorSeries.digest == key,
            IndicatorValue.period == period,
            IndicatorValue.known_on <= as_of,
            IndicatorValue.period_start < first_incomplete(as_of, period),
        )
        .order_by(IndicatorValue.period_start)
    ).all()
    return Series(indicator, area, [s for s, _ in rows], [v for _, v in rows])


def first_incomplete(as_of: date, period: str) -> date:
    """The start of the first period that has not ended by ``as_of``.

    >>> first_incomplete(date(2007, 6, 30), "week"), first_incomplete(date(2007, 7, 1), "week")
    (datetime.date(2007, 6, 25), datetime.date(2007, 7, 2))
    >>> first_incomplete(date(2007, 6, 29), "month"), first_incomplete(date(2007, 6, 30), "month")
    (datetime.date(2007, 6, 1), datetime.date(2007, 7, 1))
    >>> first_incomplete(date(2007, 9, 30), "quarter")
    datetime.date(2007, 10, 1)
    """
    start = period_start(as_of, period)
    return (
        next_start(start, period)
        if next_start(start, period) == as_of + timedelta(days=1)
        else start
    )
