"""What the dashboard shows, arranged for the templates: factors, per-area tables, phases."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hmc.framework.records import AreaInfo, FactorInfo, IndicatorInfo
from hmc.timeline.status import CommissionStatus, GateStatus, IndicatorStatus

LINE = "#1f5f8b"
RULE = "#b3261e"


@dataclass(frozen=True)
class AreaTable:
    """Area × indicator: the latest value of each area-scoped indicator in each area."""

    indicators: list[IndicatorInfo]
    rows: list[tuple[AreaInfo, list[IndicatorStatus]]]


@dataclass(frozen=True)
class FactorView:
    """A factor with its nationwide indicators and, if any are per area, their table."""

    factor: FactorInfo
    indicators: list[IndicatorStatus]
    areas: AreaTable | None


@dataclass(frozen=True)
class PhaseView:
    """A phase with its gates, one per area."""

    key: str
    name: str
    description: str
    gates: list[GateStatus]

    def count(self, held: bool | None) -> int:
        """How many of this phase's gates are in the state ``held``."""
        return sum(1 for g in self.gates if g.held is held)


@dataclass(frozen=True)
class Dashboard:
    """Everything below the header of a commission's dashboard."""

    factors: list[FactorView]
    phases: list[PhaseView]
    evidence_age: int | None  # days from the newest evidence to the page's date; None: none


def dashboard(result: CommissionStatus) -> Dashboard:
    """Arrange a computed status by factor and by phase."""
    commission = result.framework
    national = result.for_area(None)
    per_area = {(s.indicator.key, s.area.key): s for s in result.indicators if s.area is not None}
    factors = []
    for factor in commission.factors:
        rows = [s for s in national if s.indicator.factor.key == factor.key]
        scoped = [s.indicator for s in rows if s.indicator.scope == "area"]
        table = None
        if scoped and commission.areas:
            table = AreaTable(
                scoped,
                [(a, [per_area[(i.key, a.key)] for i in scoped]) for a in commission.areas],
            )
        factors.append(FactorView(factor, rows, table))
    phases = [
        PhaseView(p.key, p.name, p.description, [g for g in result.gates if g.phase_key == p.key])
        for p in commission.phases
    ]
    newest = result.newest_evidence
    age = None if newest is None else (result.as_of - newest).days
    return Dashboard(factors, phases, age)


def number(value: float | None) -> str:
    """A value as a person reads it (the caller shows "no data" for None, never zero)."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def threshold(indicator: IndicatorInfo) -> str:
    """The threshold with its direction, e.g. "≤ 5"; empty when there is none."""
    if indicator.threshold is None:
        return ""
    sign = "≤" if indicator.better == "lower" else "≥"
    return f"{sign} {indicator.threshold:g}"


def trend_spec(s: IndicatorStatus) -> dict[str, Any] | None:
    """A small Vega-Lite line chart of the trend with a rule at the threshold (None: no data)."""
    points = [
        {"week": d.isoformat(), "value": v}
        for d, v in s.trend
        if v is not None and math.isfinite(v)
    ]
    if not points:
        return None
    x = {
        "field": "week",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%b %Y", "tickCount": 3, "labelOverlap": True},
    }
    y = {"field": "value", "type": "quantitative", "title": None, "axis": {"tickCount": 3}}
    line = {
        "mark": {"type": "line", "color": LINE, "point": {"size": 14, "color": LINE}},
        "encoding": {
            "x": x,
            "y": y,
            "tooltip": [
                {"field": "week", "type": "temporal", "title": "week of", "format": "%Y-%m-%d"},
                {"field": "value", "type": "quantitative", "title": s.indicator.unit or "value"},
            ],
        },
    }
    layers: list[dict[str, Any]] = [line]
    if s.indicator.threshold is not None:
        layers.append(
            {
                "mark": {"type": "rule", "color": RULE, "strokeDash": [4, 3]},
                "encoding": {"y": {"datum": s.indicator.threshold}},
            }
        )
    return {
        "width": 240,
        "height": 70,
        "data": {"values": points},
        "layer": layers,
        "config": {
            "view": {"stroke": None},
            "axis": {"labelFontSize": 10, "grid": True, "gridOpacity": 0.4, "domain": False},
            "background": None,
        },
    }
