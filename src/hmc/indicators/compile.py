"""Indicator definitions compiled to Ibis expressions: their whole computation.

The events are read once for many indicators: a *pass* (one expression a way of counting
them, see :func:`passes`) filters them, counts them by a party's account if asked, leaves
out linked duplicates and adds up, per day, governorate and source, a column for each thing
the indicators measure. An engine keeps, of each pass, its sums per period and area (every
week, month and quarter, nationwide and per area, zeros included) and per source
(:func:`keep_pass`); then each indicator is one expression over them, reading the unbound
tables of :mod:`hmc.indicators.tables`, that yields one row per value: ``series`` (the
digest of a definition over a geography), ``period``, ``period_start``, ``value`` and
``known_on``. Its series, the periods within its sources' coverage, shares, rolling windows
and derived indicators all happen in it, so any engine that runs SQL gives the same numbers
(see docs/indicators.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import ibis
from ibis import _
from ibis.expr.types import BooleanValue, Table

from hmc.domain.periods import PERIODS
from hmc.indicators.tables import (
    EVENT,
    EVENT_ACCOUNT,
    GEOGRAPHY,
    IMPORT_BATCH,
    OBSERVATION,
    PERIOD,
    SOURCE,
)

VALUE_COLUMNS = ("series", "period", "period_start", "value", "known_on")
EVENT_COLUMNS = (
    "id", "source_id", "occurred_on", "category", "event_type", "target", "governorate",
    "location", "deaths",
)  # fmt: skip


def _values(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


class Way(NamedTuple):
    """A way of counting the events: by the sources' account or a party's, whether the
    definitions name sources, whether they count places. The indicators counting events one
    way share one pass over them."""

    account: str | None
    commission: str | None
    sourced: bool
    distinct: bool


def way(definition: dict[str, Any]) -> Way:
    """How ``definition`` counts the events."""
    account = definition.get("account")
    return Way(
        account,
        definition["commission"] if account else None,
        "source" in {*definition.get("where", {}), *definition.get("base", {})},
        definition.get("measure") == "distinct",
    )


def counted_events(how: Way) -> Table:
    """The events counted ``how``: not linked duplicates; by a party's account if asked.

    With ``account``, an event's category and deaths are that party's where it recorded an
    account of the event in the definition's commission, else the source's.
    """
    events = EVENT.filter(EVENT.duplicate_of.isnull()).select(*EVENT_COLUMNS)
    if how.sourced:
        sources = SOURCE.select(source_key=SOURCE.key, sid=SOURCE.id)
        events = events.join(sources, events.source_id == sources.sid).drop("sid")
    if how.account is None:
        return events
    told = EVENT_ACCOUNT.filter(
        (EVENT_ACCOUNT.commission_id == how.commission) & (EVENT_ACCOUNT.party == how.account)
    )
    told = told.select(
        told_event=told.event_id, told_category=told.category, told_deaths=told.deaths
    )
    events = events.left_join(told, events.id == told.told_event)
    return events.mutate(  # the party's category and deaths where it gave an account
        category=events.told_category.coalesce(events.category),
        deaths=events.told_event.isnull().ifelse(events.deaths, events.told_deaths),
    )


def matches(events: Table, where: dict[str, str | list[str]]) -> list[BooleanValue]:
    """The tests an event passes to match every field of a ``where`` (none: every event)."""
    return [
        (events.source_key if field == "source" else events[field]).isin(_values(wanted))
        for field, wanted in where.items()
    ]


# What a pass adds up for an indicator: ("count" or "sum", the field summed, the wheres an
# event matches, as JSON); its column is named after it, so indicators asking the same share it.
Aggregate = tuple[str, str | None, str]


def aggregates(definition: dict[str, Any]) -> dict[str, Aggregate]:
    """``n`` (what is measured), ``b`` (a share's base) and ``w`` (the events matching
    ``where``, whose sources' coverage gets zeros) of an events definition. For ``distinct``
    ``n`` is the places among the events counted in ``w``."""
    where = definition.get("where", {})
    measure = definition.get("measure", "count")
    if measure == "share":
        base = definition.get("base", {})
        matched: Aggregate = ("count", None, json.dumps([base, where], sort_keys=True))
        return {"n": matched, "b": ("count", None, json.dumps([base], sort_keys=True)),
                "w": matched}  # fmt: skip
    counted: Aggregate = ("count", None, json.dumps([where], sort_keys=True))
    if measure == "sum":
        return {"n": ("sum", definition["field"], counted[2]), "b": counted, "w": counted}
    return {"n": counted, "b": counted, "w": counted}


def column(aggregate: Aggregate) -> str:
    """The name of an aggregate's column in its pass."""
    return "a" + hashlib.sha256(json.dumps(aggregate).encode()).hexdigest()[:12]


def _event_definitions(definitions: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for definition in definitions:
        if definition["source"] == "indicators":
            yield from _event_definitions(definition["of"])
        elif definition["source"] == "events":
            yield definition


def passes(definitions: list[dict[str, Any]]) -> dict[Way, Table]:
    """The passes over the events that ``definitions`` read, one a way of counting them:
    per day, governorate and source (and place, for ``distinct``), a column per aggregate
    the definitions ask for. An engine keeps, of each, what :func:`keep_pass` says, for the
    indicators."""
    wanted: dict[Way, dict[str, Aggregate]] = {}
    for definition in _event_definitions(definitions):
        for aggregate in aggregates(definition).values():
            wanted.setdefault(way(definition), {})[column(aggregate)] = aggregate
    return {how: _pass(how, columns) for how, columns in wanted.items()}


def _pass(how: Way, columns: dict[str, Aggregate]) -> Table:
    events = counted_events(how)
    keys = {
        "occurred_on": events.occurred_on,
        "governorate": events.governorate,
        "source_id": events.source_id,
    }
    if how.distinct:
        keys["location"] = (events.location == "").ifelse(ibis.null("string"), events.location)
    found = {}
    for name, (kind, field, wheres) in columns.items():
        tests = [t for where in json.loads(wheres) for t in matches(events, where)]
        test = ibis.and_(*tests) if tests else None
        if kind == "sum":
            found[name] = events[field].sum(where=test).coalesce(0).cast("float64")
        else:
            found[name] = events.count(where=test).cast("float64")
    return events.group_by(**keys).agg(**found)


_KEYS = ("governorate", "source_id", "location")


def _summed(table: Table, keys: list[str], columns: list[str]) -> Table:
    return table.group_by(*keys).agg(**{c: table[c].sum() for c in columns})


def by_week(daily: Table) -> Table:
    """A pass's days added up into weeks and months: the days are bucketed once, not the
    events (SQLite's date functions cost a row each)."""
    day = daily.occurred_on.cast("timestamp")
    dated = daily.mutate(week=day.truncate("W").cast("date"), month=day.truncate("M").cast("date"))
    keys = [c for c in _KEYS if c in daily.columns]
    return _summed(dated, [*keys, "week", "month"], _measures(daily))


def _measures(table: Table) -> list[str]:
    """The columns of a pass's result that hold what it adds up (see :func:`column`)."""
    return [c for c in table.columns if c not in {*_KEYS, "occurred_on", "week", "month"}]


class Kept(NamedTuple):
    """What an engine keeps of a pass for the indicators that read it: its sums per period
    and area (:func:`by_period`) and per source (:func:`by_source`)."""

    periods: Table
    sources: Table


def keep_pass(daily: Table, distinct: bool, keep: Callable[[Table], Table]) -> Kept:
    """What ``keep`` (an engine's; it returns the table it kept) keeps of a pass."""
    weekly = keep(by_week(daily))
    return Kept(keep(by_period(weekly, distinct)), keep(by_source(weekly)))


def by_period(weekly: Table, distinct: bool) -> Table:
    """Every column of a pass (its weeks, see :func:`by_week`) per period and area: one row
    for each period of ``hmc_period`` and each area of ``hmc_geography``, zero where nothing
    was counted. A nationwide value sums every governorate; for places (``distinct``) a
    column is the places among the events it counts, per governorate."""
    columns = _measures(weekly)
    starts = {
        "week": weekly.week,
        "month": weekly.month,
        "quarter": weekly.month.cast("timestamp").truncate("Q").cast("date"),
    }
    parts = []
    for period in PERIODS:
        rows = weekly.mutate(period=ibis.literal(period), period_start=starts[period])
        keys = ["period", "period_start", "governorate"]
        if not distinct:
            parts.append(_summed(rows, keys, columns))
            continue
        places = {c: rows.location.nunique(where=rows[c] > 0).cast("float64") for c in columns}
        parts.append(rows.group_by(*keys).agg(**places))
    buckets = ibis.union(*parts)
    areas = GEOGRAPHY.select("area", "governorate").distinct()
    national = areas.filter(areas.governorate.isnull()).select("area")
    parted = buckets.join(areas.filter(areas.governorate.notnull()), "governorate")
    per_area = _summed(parted, ["area", "period", "period_start"], columns)
    totals = national.cross_join(_summed(buckets, ["period", "period_start"], columns))
    counted = ibis.union(totals.select(*per_area.columns), per_area)
    counted = counted.join(PERIOD, ["period", "period_start"])  # the periods' last days
    # every other period of the calendar a zero: the sum of the two (a left join of the
    # periods with what was counted is a nested loop in SQLite: some hundred times slower)
    zeros = PERIOD.cross_join(GEOGRAPHY.select("area").distinct())
    zeros = zeros.mutate(**{c: ibis.literal(0.0) for c in columns})
    filled = ibis.union(zeros.select(*counted.columns), counted)
    return _summed(filled, ["area", "period", "period_start", "period_end"], columns)


def by_source(weekly: Table) -> Table:
    """Every column of a pass (its weeks) summed per source."""
    return _summed(weekly, ["source_id"], _measures(weekly))


def events_expr(definition: dict[str, Any], keys: list[str], kept: dict[Way, Kept]) -> Table:
    """The values of an events indicator for the series ``keys`` (see ``hmc_geography``),
    from what an engine ``kept`` of the pass over the events it reads (see :func:`passes`):
    the periods within the coverage of the sources whose events it counts.

    >>> definition = {"source": "events", "where": {"target": "coalition"}}
    >>> kept = {h: keep_pass(p, h.distinct, lambda t: t) for h, p in passes([definition]).items()}
    >>> events_expr(definition, ["k"], kept).columns  # (here nothing kept: the expressions)
    ('series', 'period', 'period_start', 'value', 'known_on')
    """
    found = kept[way(definition)]
    part = {name: column(a) for name, a in aggregates(definition).items()}
    sources = found.sources.filter(found.sources[part["w"]] > 0).source_id
    batches = IMPORT_BATCH.filter(IMPORT_BATCH.source_id.isin(sources))
    coverage = batches.agg(
        coverage_start=batches.coverage_start.min(), coverage_end=batches.coverage_end.max()
    )
    series = GEOGRAPHY.filter(GEOGRAPHY.series.isin(keys)).select("series", "area").distinct()
    rows = found.periods.join(series, "area").cross_join(coverage)
    rows = rows.filter(
        (rows.period_start >= rows.coverage_start) & (rows.period_end <= rows.coverage_end)
    )
    n, b = rows[part["n"]], rows[part["b"]]
    value = (b == 0).ifelse(0.0, n / b) if definition.get("measure") == "share" else n
    out = rows.select(
        series=rows.series,
        period=rows.period,
        period_start=rows.period_start,
        value=value.cast("float64"),
        known_on=rows.period_end,
    )
    return rolling(out, definition.get("window"))


def rolling(values: Table, size: int | None) -> Table:
    """Each value the mean of the ``size`` periods ending with it (from the ``size``-th on)."""
    if not size:
        return values
    window = ibis.window(
        group_by=["series", "period"], order_by="period_start", preceding=size - 1, following=0
    )
    rolled = values.mutate(
        value=values.value.mean().over(window), seen=values.value.count().over(window)
    )
    return rolled.filter(rolled.seen == size).select(*VALUE_COLUMNS)


def derived_expr(definition: dict[str, Any], keys: list[str], kept: dict[Way, Kept]) -> Table:
    """A ratio, difference or trend of other indicators' values, per series and period."""
    inputs = [indicator_expr(d, keys, kept) for d in definition["of"]]
    first = inputs[0]
    on = ["series", "period", "period_start"]
    if definition["derive"] == "trend":
        lag = definition.get("window") or 1
        window = ibis.window(group_by=["series", "period"], order_by="period_start")
        value = first.value - first.value.lag(lag).over(window)
        out = first.mutate(value=value)
    else:
        second = inputs[1].select(*on, other=_.value, other_known=_.known_on)
        joined = first.join(second, on)
        if definition["derive"] == "ratio":
            value = (joined.other == 0).ifelse(ibis.null("float64"), joined.value / joined.other)
        else:
            value = joined.value - joined.other
        later = (joined.other_known > joined.known_on).ifelse(joined.other_known, joined.known_on)
        out = joined.mutate(value=value, known_on=later)
    out = out.filter(out.value.notnull()).select(*VALUE_COLUMNS)
    return rolling(out, definition.get("window")) if definition["derive"] != "trend" else out


def indicator_expr(definition: dict[str, Any], keys: list[str], kept: dict[Way, Kept]) -> Table:
    """The one expression computing ``definition`` for the series ``keys`` from the passes
    over the events ``kept`` (see :func:`passes`)."""
    if definition["source"] == "indicators":
        return derived_expr(definition, keys, kept)
    return events_expr(definition, keys, kept)


def counts_expr(definition: dict[str, Any]) -> Table:
    """The published observations of one series, summed per period and governorate."""
    obs = OBSERVATION.filter(OBSERVATION.series == definition["series"])
    return obs.group_by(["period_start", "period_end", "basis", "governorate"]).agg(
        value=obs.value.sum()
    )
