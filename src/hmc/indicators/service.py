"""Computing indicator series from evidence, knowing when they are stale, reading them back.

A series (see :mod:`hmc.indicators.models`) is computed once per definition and geography
and kept until evidence it reads is imported after it: then it is *stale* until computed
again. Reading never computes: it says how fresh what it read is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.domain.series import from_counts
from hmc.errors import InvalidInput
from hmc.evidence.models import Event, EventAccount, EventLink, ImportBatch, Observation, Source
from hmc.framework.records import AreaInfo, Framework, IndicatorInfo
from hmc.framework.service import framework
from hmc.indicators.compile import VALUE_COLUMNS as VALUES
from hmc.indicators.compile import counts_expr, indicator_expr, keep_pass, passes
from hmc.indicators.engines import Analytics, Choice, open_engine
from hmc.indicators.models import IndicatorSeries, IndicatorValue
from hmc.indicators.tables import next_start, period_start
from hmc.settings import get_settings

COUNTS_PERIODS = ("week", "month")  # published counts: no quarters (see docs/indicators.md)
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
    if definition["source"] == "indicators":
        return any(reads(d, batch) for d in definition["of"])
    if definition["source"] == "counts":
        return definition["series"] in batch.series
    wanted = definition.get("where", {}).get("source")
    sources = [wanted] if isinstance(wanted, str) else wanted
    return batch.has_events and (sources is None or batch.source_key in sources)


def _changed_at(session: Session, definition: dict[str, Any]) -> datetime | None:
    """When the events an indicator counts last changed other than by an import: a link made
    or undone, or (counted by a party's account) an account recorded or revised."""
    if definition["source"] == "indicators":
        return max((t for d in definition["of"] if (t := _changed_at(session, d))), default=None)
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


def _data_version(definition: dict[str, Any], known: Iterable[Batch]) -> int:
    return max((b.id for b in known if reads(definition, b)), default=0)


@dataclass(frozen=True)
class _Due:
    """The series of one indicator to compute: digest -> geography."""

    indicator: IndicatorInfo
    series: dict[str, Geography]
    version: int


def compute(
    session: Session,
    *,
    actor: Actor,
    commission_id: str,
    progress: Callable[[str], None] | None = None,
    engine: Choice | None = None,
) -> ComputeReport:
    """Compute the series of a commission's measured indicators that are missing or stale."""
    current = framework(session, commission_id=commission_id)
    known = batches(session)
    measured = [i for i in current.indicators if i.kind == "measured"]
    due = []
    for indicator in measured:
        wanted = {
            digest(indicator.definition, g): g
            for g in dict.fromkeys(geography(indicator, a) for a in (None, *current.areas))
        }
        version = _data_version(indicator.definition, known)
        changed = _changed_at(session, indicator.definition)
        stored = {
            d: (v, at)
            for d, v, at in session.execute(
                select(
                    IndicatorSeries.digest,
                    IndicatorSeries.data_version,
                    IndicatorSeries.computed_at,
                ).where(IndicatorSeries.digest.in_(wanted))
            )
        }
        late = {
            d: g
            for d, g in wanted.items()
            if d not in stored
            or stored[d][0] < version
            or (changed is not None and stored[d][1] < changed)
        }
        if late:
            due.append(_Due(indicator, late, version))
    written = 0
    if due:
        rows = list(  # two indicators of one definition share its series: one row each
            dict.fromkeys(
                (k, g) for d in due for k, geo in d.series.items() for g in _governorates(geo)
            )
        )
        with open_engine(engine or chosen_engine(), session, rows) as analytics:
            if analytics.over_files:
                raise InvalidInput("an engine over an events file can only --export")
            todo = [(item.indicator.definition, item.series) for item in due]
            for item, values in zip(due, indicator_values(analytics, todo), strict=True):
                written += _store(session, item, values, str(actor))
                if progress:
                    progress(item.indicator.key)
    computed = sum(len(d.series) for d in due)
    return ComputeReport(current.commission.id, len(measured), computed, written)


EXPORTED = ("indicator", "area", "period", "period_start", "value", "known_on")


def computed(session: Session, *, commission_id: str, engine: Choice) -> pd.DataFrame:
    """Every value of a commission's measured indicators, computed now by ``engine`` (nothing
    is stored): one row a value, ``area`` empty for nationwide, sorted as ``EXPORTED``."""
    current = framework(session, commission_id=commission_id)
    measured = [i for i in current.indicators if i.kind == "measured"]
    labels: list[tuple[str, str, str]] = []  # digest, indicator, area
    wanted: dict[str, dict[str, Geography]] = {}
    for indicator in measured:
        areas = (None, *current.areas) if indicator.scope == "area" else (None,)
        for area in areas:
            geo = geography(indicator, area)
            key = digest(indicator.definition, geo)
            wanted.setdefault(indicator.key, {})[key] = geo
            labels.append((key, indicator.key, "" if area is None else area.key))
    rows = list(
        dict.fromkeys(
            (k, g)
            for series in wanted.values()
            for k, geo in series.items()
            for g in _governorates(geo)
        )
    )
    with open_engine(engine, session, rows) as analytics:
        todo = [(i.definition, wanted[i.key]) for i in measured]
        frames = list(indicator_values(analytics, todo))
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(VALUES))
    names = pd.DataFrame(labels, columns=["series", "indicator", "area"])
    out = names.merge(found, on="series")[list(EXPORTED)]
    return out.sort_values(list(EXPORTED[:4]), ignore_index=True)


def chosen_engine() -> Choice:
    """The engine ``HMC_ANALYTICS_URL`` names (``app`` when unset)."""
    return Choice.parse(get_settings().analytics_url, where="HMC_ANALYTICS_URL")


def _governorates(geo: Geography) -> list[str | None]:
    return [None] if geo is None else list(geo)


def indicator_values(
    analytics: Analytics, wanted: list[tuple[dict[str, Any], dict[str, Geography]]]
) -> Iterator[pd.DataFrame]:
    """The values of each definition for each of its series, computed by ``analytics``, in
    the order of ``wanted``: the events are read once a way of counting them (see
    :func:`hmc.indicators.compile.passes`), kept, and each indicator computed from that."""
    kept = {
        how: keep_pass(daily, how.distinct, analytics.keep)
        for how, daily in passes([d for d, _ in wanted]).items()
    }
    for definition, series in wanted:
        if definition["source"] == "counts":
            yield _counts_values(analytics.execute(counts_expr(definition)), series)
        else:
            yield analytics.execute(indicator_expr(definition, list(series), kept))


def _counts_values(observed: pd.DataFrame, series: dict[str, Geography]) -> pd.DataFrame:
    """Published counts (``observed``) as the values of ``series``, week and month."""
    frames = []
    for period in COUNTS_PERIODS:
        frame = from_counts(observed, period=period)
        for key, geo in series.items():
            part = _total(frame if geo is None else frame[frame["governorate"].isin(geo)])
            frames.append(part.assign(series=key, period=period))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _store(session: Session, due: _Due, values: pd.DataFrame, actor: str) -> int:
    """Store the values of the ``due`` series in place of the old ones."""
    now = datetime.now(UTC).replace(tzinfo=None)
    stored = {
        s.digest: s
        for s in session.scalars(
            select(IndicatorSeries).where(IndicatorSeries.digest.in_(due.series))
        )
    }
    ids = {}
    for key, geo in due.series.items():
        row = stored.get(key)
        if row is None:
            row = IndicatorSeries(digest=key, definition=due.indicator.definition, governorates=geo)
            session.add(row)
        else:
            session.execute(delete(IndicatorValue).where(IndicatorValue.series_id == row.id))
        row.data_version, row.computed_at, row.computed_by = due.version, now, actor
        session.flush()
        ids[key] = row.id
    rows = [
        {"series_id": ids[key], "period": period, "period_start": start,
         "value": float(value), "known_on": known_on}
        for key, period, start, value, known_on in zip(
            values["series"], values["period"], values["period_start"], values["value"],
            values["known_on"], strict=True,
        )
    ] if len(values) else []  # fmt: skip
    if rows:
        session.execute(insert(IndicatorValue), rows)
    return len(rows)


def _total(part: pd.DataFrame) -> pd.DataFrame:
    """One value per period: the sum over governorates, known when its last part is."""
    part = part.assign(known_on=pd.to_datetime(part["known_on"]))
    out = part.groupby("period_start", as_index=False).agg(
        value=("value", "sum"), known_on=("known_on", "max")
    )
    out["known_on"] = out["known_on"].dt.date
    return out


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
    >>> first_incomplete(date(2007, 9, 30), "quarter")
    datetime.date(2007, 10, 1)
    """
    start = period_start(as_of, period)
    return (
        next_start(start, period)
        if next_start(start, period) == as_of + timedelta(days=1)
        else start
    )
