"""Computing indicator series from evidence: what is missing or stale, by an engine.

The heavy part of :mod:`hmc.indicators` (Ibis, pandas, the engines), imported only by what
computes: reading stored values (:mod:`hmc.indicators.service`) needs none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.domain.series import from_counts
from hmc.errors import InvalidInput
from hmc.framework.records import IndicatorInfo
from hmc.framework.service import framework
from hmc.indicators.compile import VALUE_COLUMNS as VALUES
from hmc.indicators.compile import counts_expr, indicator_expr, keep_pass, passes
from hmc.indicators.engines import Analytics, Choice, open_engine
from hmc.indicators.models import IndicatorSeries, IndicatorValue
from hmc.indicators.service import (
    Geography,
    batches,
    changed_at,
    data_version,
    digest,
    geography,
)
from hmc.settings import get_settings

COUNTS_PERIODS = ("week", "month")  # published counts: no quarters (see docs/indicators.md)


@dataclass(frozen=True)
class ComputeReport:
    commission: str
    indicators: int  # measured indicators of the commission
    computed: int  # series computed now (missing or stale); the others were up to date
    values: int  # values written


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
        version = data_version(indicator.definition, known)
        changed = changed_at(session, indicator.definition)
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
