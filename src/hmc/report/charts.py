"""The timeline's charts as Vega-Lite specs: drawn in the browser by the timeline page, and
as SVG (vl-convert) by the joint report."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hmc.locale import translate

BAND, MIDDLE, PAST, RULE = "#9ec3e0", "#1f5f8b", "#5b6573", "#b3261e"
AREAS = ["#1f5f8b", "#b07d00", "#2e7d4f", "#8e3b8e", "#a12a1f", "#546e7a"]


def weeks(start: date, before: int) -> list[str]:
    """The Mondays of the ``before`` weeks ending where ``start`` begins, oldest first.

    >>> weeks(date(2024, 1, 22), 2)
    ['2024-01-08', '2024-01-15']
    """
    return [(start - timedelta(weeks=before - i)).isoformat() for i in range(before)]


def _words(lang: str | None, key: str) -> str | None:
    """A chart's title ``key`` in ``lang``; None: the chart carries no words, as in the joint
    report, where WeasyPrint would draw an SVG's Arabic letter by letter and the page around
    the chart names its axes instead (see :func:`area_colors`)."""
    return None if lang is None else translate(lang, key)


def _months(lang: str | None) -> str:
    return "%b %Y" if lang is not None else "%Y-%m"


def area_colors(names: list[str]) -> dict[str, str]:
    """The colour of each area's line in a probability chart, in the order of its names."""
    ordered = sorted(names)
    return {name: AREAS[i % len(AREAS)] for i, name in enumerate(ordered)}


def fan_chart(
    track: dict[str, Any], start: date, threshold: float | None, lang: str | None
) -> dict[str, Any] | None:
    """History, then the P10–P90 band and the P50 line (None: neither history nor forecast),
    titled in ``lang`` (None: untitled)."""
    past = [
        {"week": w, "value": v}
        for w, v in zip(weeks(start, len(track["history"])), track["history"], strict=True)
        if v is not None
    ]
    ahead = [
        {"week": (start + timedelta(weeks=i)).isoformat(), "low": lo, "mid": mid, "high": hi}
        for i, (lo, mid, hi) in enumerate(
            zip(track["p10"], track["p50"], track["p90"], strict=True)
        )
        if mid is not None
    ]
    if not past and not ahead:
        return None
    x = {
        "field": "week",
        "type": "temporal",
        "title": _words(lang, "chart_weeks"),
        "axis": {"format": _months(lang)},
    }
    y_title = _words(lang, "chart_value")
    tip = [
        {"field": "week", "type": "temporal", "title": _words(lang, "week_of")},
        {"field": "low", "type": "quantitative", "title": "P10", "format": ".1f"},
        {"field": "mid", "type": "quantitative", "title": "P50", "format": ".1f"},
        {"field": "high", "type": "quantitative", "title": "P90", "format": ".1f"},
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": ahead},
            "mark": {"type": "area", "color": BAND, "opacity": 0.6},
            "encoding": {
                "x": x,
                "y": {"field": "low", "type": "quantitative", "title": y_title},
                "y2": {"field": "high"},
                "tooltip": tip,
            },
        },
        {
            "data": {"values": ahead},
            "mark": {"type": "line", "color": MIDDLE},
            "encoding": {"x": x, "y": {"field": "mid", "type": "quantitative"}},
        },
        {
            "data": {"values": past},
            "mark": {"type": "line", "color": PAST, "point": {"size": 12, "color": PAST}},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
        },
    ]
    if threshold is not None:
        layers.append(
            {
                "mark": {"type": "rule", "color": RULE, "strokeDash": [4, 3]},
                "encoding": {"y": {"datum": threshold}},
            }
        )
    return _chart(layers, 110)


def probability_chart(
    rows: list[dict[str, Any]], areas: dict[str, str], lang: str | None
) -> dict[str, Any]:
    """The chance a phase has begun by each date, a line per area (``areas``: their names),
    titled in ``lang`` (None: untitled, without a legend)."""
    points = [
        {"day": day, "area": areas.get(row["area"], row["area"]), "p": p}
        for row in rows
        for day, p in row["probability_by"].items()
    ]
    colors = area_colors(list({p["area"] for p in points}))
    return _chart(
        [
            {
                "data": {"values": points},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": {
                        "field": "day",
                        "type": "temporal",
                        "title": _words(lang, "chart_date"),
                        "axis": {"format": _months(lang)},
                    },
                    "y": {
                        "field": "p",
                        "type": "quantitative",
                        "title": _words(lang, "chart_probability"),
                        "scale": {"domain": [0, 1]},
                        "axis": {"format": ".0%"},
                    },
                    "color": {
                        "field": "area",
                        "type": "nominal",
                        "title": _words(lang, "area"),
                        "scale": {"domain": list(colors), "range": list(colors.values())},
                        "legend": {"orient": "bottom"} if lang is not None else None,
                    },
                    "tooltip": [
                        {"field": "area", "type": "nominal", "title": None},
                        {"field": "day", "type": "temporal", "title": None},
                        {"field": "p", "type": "quantitative", "title": None, "format": ".0%"},
                    ],
                },
            }
        ],
        150,
    )


def _chart(layers: list[dict[str, Any]], height: int) -> dict[str, Any]:
    return {
        "width": 380,
        "height": height,
        "layer": layers,
        "config": {
            "view": {"stroke": None},
            "axis": {"labelFontSize": 10, "grid": True, "gridOpacity": 0.4, "domain": False},
            "background": None,
        },
    }
