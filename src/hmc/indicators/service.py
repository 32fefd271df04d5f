"""Computing indicator series from evidence, knowing when they are stale, reading them back.

A series (see :mod:`hmc.indicators.models`) is computed once per definition and geography
and kept until evidence it reads is imported after it: then it is *stale* until computed
again. Reading never computes: it says how fresh what it read is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import delete, exists, func, insert, select, text
from sqlalchemy.orm import Session

from hmc.accounts import Actor
from hmc.domain.series import fill_zeros, from_counts, period_end, week_start
from hmc.evidence.models import Event, ImportBatch, Observation, Source
from hmc.framework.records import AreaInfo, Framework, IndicatorInfo
from hmc.framework.service import framework
from hmc.indicators.compile import counts_expr, events_expr, matching_events, to_sql
from hmc.indicators.models import IndicatorSeries, IndicatorValue

PERIODS = ("week", "month")
Geography = tuple[str, ...] | None  # the governorates of an area; None: nationwide


@dataclass(frozen=True)
class ComputeReport:
    commission: str
    indicators: int  # measured indicators of the commission
    computed: int  # series computed now (missing or stale); the others were up to date
    values: int  # values written


@dataclass(frozen=True)
class Batch:
    """What one import added, as far as staleness goes."""

    id: int
    imported_at: datetime
    source_key: str
    coverage_end: date
    has_events: bool
    series: frozenset[str]


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
        Batch(i, at, key, end, bool(events), frozenset(series.get(i, ())))
        for i, at, key, end, events in rows
    ]


def reads(definition: dict[str, Any], batch: Batch) -> bool:
    """Whether an indicator of ``definition`` reads evidence of ``batch``."""
    if definition["source"] == "counts":
        return definition["series"] in batch.series
    wanted = definition.get("where", {}).get("source")
    sources = [wanted] if isinstance(wanted, str) else wanted
    return batch.has_events and (sources is None or batch.source_key in sources)


def _data_version(definition: dict[str, Any], known: Iterable[Batch]) -> int:
    return max((b.id for b in known if reads(definition, b)), default=0)


def compute(
    session: Session,
    *,
    actor: Actor,
    commission_id: str,
    progress: Callable[[str], None] | None = None,
) -> ComputeReport:
    """Compute the series of a commission's measured indicators that are missing or stale."""
    current = framework(session, commission_id=commission_id)
    known = batches(session)
    measured = [i for i in current.indicators if i.kind == "measured"]
    computed = written = 0
    for indicator in measured:
        wanted = {
            digest(indicator.definition, g): g
            for g in dict.fromkeys(geography(indicator, a) for a in (None, *current.areas))
        }
        version = _data_version(indicator.definition, known)
        stored = {
            s.digest: s
            for s in session.scalars(
                select(IndicatorSeries).where(IndicatorSeries.digest.in_(wanted))
            )
        }
        due = {
            d: g for d, g in wanted.items() if d not in stored or stored[d].data_version < version
        }
        if due:
            written += _compute(session, indicator, due, stored, version, str(actor))
            computed += len(due)
        if progress:
            progress(indicator.key)
    return ComputeReport(current.commission.id, len(measured), computed, written)


def _compute(
    session: Session,
    indicator: IndicatorInfo,
    due: dict[str, Geography],
    stored: dict[str, IndicatorSeries],
    version: int,
    actor: str,
) -> int:
    """Compute the ``due`` series of one indicator and store them in place of the old ones."""
    now = datetime.now(UTC).replace(tzinfo=None)
    frames = {period: _by_governorate(session, indicator, period) for period in PERIODS}
    coverage = _coverage(session, indicator)
    written = 0
    for key, geo in due.items():
        row = stored.get(key)
        if row is None:
            row = IndicatorSeries(digest=key, definition=indicator.definition, governorates=geo)
            session.add(row)
        else:
            session.execute(delete(IndicatorValue).where(IndicatorValue.series_id == row.id))
        row.data_version, row.computed_at, row.computed_by = version, now, actor
        session.flush()
        values = []
        for period, frame in frames.items():
            part = _total(frame if geo is None else frame[frame["governorate"].isin(geo)])
            if coverage is not None:
                part = fill_zeros(part, start=coverage[0], end=coverage[1], period=period)
            values += [
                {"series_id": row.id, "period": period, "period_start": start,
                 "value": float(value), "known_on": known_on}
                for start, value, known_on in zip(
                    part["period_start"], part["value"], part["known_on"], strict=True
                )
            ]  # fmt: skip
        if values:
            session.execute(insert(IndicatorValue), values)
        written += len(values)
    return written


def _by_governorate(session: Session, indicator: IndicatorInfo, period: str) -> pd.DataFrame:
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


def _total(part: pd.DataFrame) -> pd.DataFrame:
    """One value per period: the sum over governorates, known when its last part is."""
    part = part.assign(known_on=pd.to_datetime(part["known_on"]))
    out = part.groupby("period_start", as_index=False).agg(
        value=("value", "sum"), known_on=("known_on", "max")
    )
    out["known_on"] = out["known_on"].dt.date
    return out


def _coverage(session: Session, indicator: IndicatorInfo) -> tuple[date, date] | None:
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
    ends = [b.coverage_end for b in known if any(reads(i.definition, b) for i in measured)]
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
    """
    following = as_of + timedelta(days=1)
    return week_start(following) if period == "week" else following.replace(day=1)
