"""Indicator definitions compiled to Ibis expressions over the evidence tables.

The expressions are built on unbound tables, so the same definition runs on the app
database (compiled to its SQL dialect) or on any Ibis backend holding the same tables.
"""

from __future__ import annotations

from typing import Any

import ibis
from ibis import _

EVENT = ibis.table(
    {
        "source_id": "int64",
        "occurred_on": "date",
        "category": "string",
        "event_type": "string",
        "target": "string",
        "governorate": "string",
        "deaths": "float64",
    },
    name="event",
)
OBSERVATION = ibis.table(
    {
        "source_id": "int64",
        "series": "string",
        "governorate": "string",
        "period_start": "date",
        "period_end": "date",
        "basis": "string",
        "value": "float64",
    },
    name="observation",
)
SOURCE = ibis.table({"id": "int64", "key": "string"}, name="source")
DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "duckdb": "duckdb"}


def _values(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def matching_events(definition: dict[str, Any]) -> ibis.Table:
    """The events an indicator counts: those matching every field of its ``where``."""
    events = EVENT
    for field, wanted in definition.get("where", {}).items():
        if field == "source":
            keys = SOURCE.filter(SOURCE.key.isin(_values(wanted))).id
            events = events.filter(events.source_id.isin(keys))
        else:
            events = events.filter(events[field].isin(_values(wanted)))
    return events


def events_expr(definition: dict[str, Any], *, period: str) -> ibis.Table:
    """Matching events, counted (or summed) per period start and governorate.

    >>> expr = events_expr({"where": {"target": "coalition"}}, period="week")
    >>> sorted(expr.columns)
    ['governorate', 'period_start', 'value']
    """
    events = matching_events(definition)
    # Truncated as a timestamp without time zone, then back to a date: PostgreSQL truncates a
    # date as a timestamptz in the session's time zone, which the client may not know.
    day = _.occurred_on.cast("timestamp")
    start = day.truncate("W" if period == "week" else "M").cast("date")
    events = events.mutate(period_start=start)
    if definition.get("measure") == "sum":
        metric = events[definition["field"]].sum()
    else:
        metric = events.count()
    return events.group_by(["period_start", "governorate"]).agg(value=metric.cast("float64"))


def counts_expr(definition: dict[str, Any]) -> ibis.Table:
    """The published observations of one series, summed per period and governorate."""
    obs = OBSERVATION.filter(OBSERVATION.series == definition["series"])
    return obs.group_by(["period_start", "period_end", "basis", "governorate"]).agg(
        value=obs.value.sum()
    )


def to_sql(expr: ibis.Table, dialect: str) -> str:
    """The SQL of ``expr`` for a SQLAlchemy dialect name (sqlite, postgresql, duckdb)."""
    return str(ibis.to_sql(expr, dialect=DIALECTS[dialect]))
