"""An indicator definition compiled to one Ibis expression: its whole computation.

The expression reads the unbound tables of :mod:`hmc.indicators.tables` and yields one row
per value: ``series`` (the digest of a definition over a geography), ``period``,
``period_start``, ``value`` and ``known_on``. Filtering, counting by a party's account,
leaving out linked duplicates, bucketing into weeks, months and quarters, the roll-up
into areas, zeros within the sources' coverage, rolling windows and derived indicators all
happen in it, so any engine that runs SQL gives the same numbers (see docs/indicators.md).
"""

from __future__ import annotations

from typing import Any

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
_TRUNCATE = {"week": "W", "month": "M", "quarter": "Q"}


def _values(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def counted_events(definition: dict[str, Any]) -> Table:
    """The events an indicator reads: not linked duplicates; by a party's account if asked.

    With ``account``, an event's category and deaths are that party's where it recorded an
    account of the event in the definition's commission, else the source's.
    """
    events = EVENT.filter(EVENT.duplicate_of.isnull()).select(*EVENT_COLUMNS)
    if "source" in {*definition.get("where", {}), *definition.get("base", {})}:
        sources = SOURCE.select(source_key=SOURCE.key, sid=SOURCE.id)
        events = events.join(sources, events.source_id == sources.sid).drop("sid")
    party = definition.get("account")
    if party is None:
        return events
    told = EVENT_ACCOUNT.filter(
        (EVENT_ACCOUNT.commission_id == definition["commission"]) & (EVENT_ACCOUNT.party == party)
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


def _keep(events: Table, where: dict[str, str | list[str]]) -> Table:
    tests = matches(events, where)
    return events.filter(*tests) if tests else events


def _daily(definition: dict[str, Any]) -> Table:
    """The one pass over the events: per day, governorate and source (and place, for
    ``distinct``), ``n`` (what is measured), ``b`` (a share's base) and ``w`` (the events
    matching ``where``, whose sources' coverage gets zeros)."""
    events = counted_events(definition)
    measure = definition.get("measure", "count")
    where = definition.get("where", {})
    events = _keep(events, definition.get("base", {}) if measure == "share" else where)
    keys = ["occurred_on", "governorate", "source_id"]
    if measure == "distinct":
        place = events.location
        events = events.mutate(location=(place == "").ifelse(ibis.null("string"), place))
        count = events.count().cast("float64")
        return events.group_by([*keys, "location"]).agg(b=count, w=count)
    count = events.count().cast("float64")
    if measure == "sum":
        n = events[definition["field"]].sum().cast("float64")
    elif measure == "share" and where:
        n = ibis.and_(*matches(events, where)).ifelse(1, 0).sum().cast("float64")
    else:
        n = count
    return events.group_by(keys).agg(n=n, b=count, w=n if measure == "share" else count)


def _buckets(daily: Table, distinct: bool) -> Table:
    """``n`` and ``b`` per period and governorate."""
    day = daily.occurred_on.cast("timestamp")
    parts = []
    for period in PERIODS:
        rows = daily.mutate(
            period=ibis.literal(period), period_start=day.truncate(_TRUNCATE[period]).cast("date")
        )
        keys = ["period", "period_start", "governorate"]
        if distinct:
            agg = {"n": rows.location.nunique().cast("float64"), "b": rows.b.sum()}
        else:
            agg = {"n": rows.n.sum(), "b": rows.b.sum()}
        parts.append(rows.group_by(keys).agg(**agg))
    return ibis.union(*parts)


def _coverage(daily: Table) -> Table:
    """One row: the first and last day the sources of the matching events cover."""
    sources = daily.filter(daily.w > 0).source_id
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


def events_expr(definition: dict[str, Any], keys: list[str]) -> Table:
    """The values of an events indicator for the series ``keys`` (see ``hmc_geography``).

    >>> expr = events_expr({"source": "events", "where": {"target": "coalition"}}, ["k"])
    >>> expr.columns
    ('series', 'period', 'period_start', 'value', 'known_on')
    """
    daily = _daily(definition)
    sums = _rolled_up(_buckets(daily, definition.get("measure") == "distinct"), keys)
    coverage = _coverage(daily)
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
    # ... and every other period of the coverage a zero: the sum of the two
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


def derived_expr(definition: dict[str, Any], keys: list[str]) -> Table:
    """A ratio, difference or trend of other indicators' values, per series and period."""
    inputs = [indicator_expr(d, keys) for d in definition["of"]]
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


def indicator_expr(definition: dict[str, Any], keys: list[str]) -> Table:
    """The one expression computing ``definition`` for the series ``keys``."""
    if definition["source"] == "indicators":
        return derived_expr(definition, keys)
    return events_expr(definition, keys)


def counts_expr(definition: dict[str, Any]) -> Table:
    """The published observations of one series, summed per period and governorate."""
    obs = OBSERVATION.filter(OBSERVATION.series == definition["series"])
    return obs.group_by(["period_start", "period_end", "basis", "governorate"]).agg(
        value=obs.value.sum()
    )
