"""Indicator definitions compiled to Ibis expressions: their whole computation.

The events are read once for many indicators: a *pass* (one expression a way of counting
them, see :func:`passes`) filters them, counts them by a party's account if asked, leaves
out linked duplicates and adds up, per week, month, governorate and source, a column for
each thing the indicators measure. An engine keeps each pass's result; then each indicator
is one expression over it, reading the unbound tables of :mod:`hmc.indicators.tables`, that
yields one row per value: ``series`` (the digest of a definition over a geography),
``period``, ``period_start``, ``value`` and ``known_on``. Its weeks, months and quarters,
the roll-up into areas, zeros within the sources' coverage, rolling windows and derived
indicators all happen in it, so any engine that runs SQL gives the same numbers (see
docs/indicators.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import ibis
from ibis import _
from ibis.expr.types import BooleanValue, Table

from hmc.indicators.tables import (
    EVENT,
    EVENT_ACCOUNT,
    GEOGRAPHY,
    IMPORT_BATCH,
    OBSERVATION,
    PERIOD,
    PERIODS,
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
    the definitions ask for. An engine keeps each result, then its weeks (:func:`by_week`),
    for the indicators."""
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


def by_week(daily: Table) -> Table:
    """A pass's days (as an engine kept them) added up into weeks and months: the days are
    bucketed once, not the events (SQLite's date functions cost a row each)."""
    day = daily.occurred_on.cast("timestamp")
    keys = [c for c in ("governorate", "source_id", "location") if c in daily.columns]
    sums = {c: daily[c].sum() for c in daily.columns if c not in {*keys, "occurred_on"}}
    week, month = day.truncate("W").cast("date"), day.truncate("M").cast("date")
    return daily.group_by(*keys, week=week, month=month).agg(**sums)


def _counted(definition: dict[str, Any], kept: dict[Way, Table]) -> Table:
    """The rows of the pass ``definition`` reads that count for it: ``n``, ``b``, ``w``."""
    table = kept[way(definition)]
    keys = ["week", "month", "governorate", "source_id"]
    keys += ["location"] if definition.get("measure") == "distinct" else []
    parts = {part: table[column(a)] for part, a in aggregates(definition).items()}
    rows = table.select(*keys, **parts)
    return rows.filter(rows.b > 0)


def _buckets(counted: Table, distinct: bool) -> Table:
    """``n`` and ``b`` per period and governorate."""
    starts = {
        "week": counted.week,
        "month": counted.month,
        "quarter": counted.month.cast("timestamp").truncate("Q").cast("date"),
    }
    parts = []
    for period in PERIODS:
        rows = counted.mutate(period=ibis.literal(period), period_start=starts[period])
        keys = ["period", "period_start", "governorate"]
        if distinct:
            agg = {"n": rows.location.nunique().cast("float64"), "b": rows.b.sum()}
        else:
            agg = {"n": rows.n.sum(), "b": rows.b.sum()}
        parts.append(rows.group_by(keys).agg(**agg))
    return ibis.union(*parts)


def _coverage(counted: Table) -> Table:
    """One row: the first and last day the sources of the matching events cover."""
    sources = counted.filter(counted.w > 0).source_id
    batches = IMPORT_BATCH.filter(IMPORT_BATCH.source_id.isin(sources))
    return batches.agg(
        coverage_start=batches.coverage_start.min(), coverage_end=batches.coverage_end.max()
    )


def _rolled_up(buckets: Table, keys: list[str]) -> Table:
    """``n`` and ``b`` per series, period: national series sum every governorate."""
    geography = GEOGRAPHY.filter(GEOGRAPHY.series.isin(keys))
    national = geography.filter(geography.governorate.isnull()).select("series")
    totals = buckets.group_by(["period", "period_start"]).agg(n=_.n.sum(), b=_.b.sum())
    areas = geography.filter(geography.governorate.notnull())
    joined = buckets.join(areas, buckets.governorate == areas.governorate)
    per_area = joined.group_by(["series", "period", "period_start"]).agg(n=_.n.sum(), b=_.b.sum())
    return ibis.union(national.cross_join(totals), per_area.select(*per_area.columns))


def events_expr(definition: dict[str, Any], keys: list[str], kept: dict[Way, Table]) -> Table:
    """The values of an events indicator for the series ``keys`` (see ``hmc_geography``),
    from the pass over the events ``kept`` holds for it (see :func:`passes`).

    >>> definition = {"source": "events", "where": {"target": "coalition"}}
    >>> kept = {how: by_week(p) for how, p in passes([definition]).items()}  # here unkept
    >>> events_expr(definition, ["k"], kept).columns
    ('series', 'period', 'period_start', 'value', 'known_on')
    """
    counted = _counted(definition, kept)
    sums = _rolled_up(_buckets(counted, definition.get("measure") == "distinct"), keys)
    coverage = _coverage(counted)
    periods = PERIOD.cross_join(coverage)
    periods = periods.filter(
        (periods.period_start >= periods.coverage_start)
        & (periods.period_end <= periods.coverage_end)
    )
    periods = periods.select("period", "period_start", "period_end")
    series = GEOGRAPHY.filter(GEOGRAPHY.series.isin(keys)).select("series").distinct()
    zeros = periods.cross_join(series).mutate(n=ibis.literal(0.0), b=ibis.literal(0.0))
    # what was counted, in the periods within coverage (a join on the periods' key) ...
    seen = sums.join(periods, ["period", "period_start"])
    seen = seen.select("period", "period_start", "period_end", "series", "n", "b")
    # ... and every other period of the coverage a zero: the sum of the two (a left join of
    # the periods with what was counted is a nested loop in SQLite: some hundred times slower)
    filled = ibis.union(zeros.select(*seen.columns), seen)
    filled = filled.group_by(["series", "period", "period_start", "period_end"]).agg(
        n=filled.n.sum(), b=filled.b.sum()
    )
    n, b = filled.n, filled.b
    value = (b == 0).ifelse(0.0, n / b) if definition.get("measure") == "share" else n
    out = filled.select(
        series=filled.series,
        period=filled.period,
        period_start=filled.period_start,
        value=value.cast("float64"),
        known_on=filled.period_end,
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


def derived_expr(definition: dict[str, Any], keys: list[str], kept: dict[Way, Table]) -> Table:
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


def indicator_expr(definition: dict[str, Any], keys: list[str], kept: dict[Way, Table]) -> Table:
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
