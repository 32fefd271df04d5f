"""The map of a commission's areas: Iraq's governorates coloured by their area's state.

One phase is shown: the first not yet held in every area (the last when all are). A
governorate takes its area's state as of the page's date, its area's governorates being
those of that date (a governorate made later belongs from its date on). The boundaries
are the shipped TopoJSON (``static/maps``), drawn by Vega-Lite's geoshape in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hmc.framework.records import AreaInfo, PhaseInfo
from hmc.gazetteers import load_gazetteer
from hmc.timeline.glance import Glance, PhaseArea
from hmc.web import i18n

TOPOJSON = "/static/iraq-governorates.topojson"
STATES = ("held", "not_held", "unknown", "map_outside")
COLOURS = ("#2e7d32", "#b3261e", "#b8b8b8", "#f2f2f2")
DRAWN_WITHIN = {"halabja": "sulaymaniyah"}  # no open polygon of its own


@dataclass(frozen=True)
class MapArea:
    """One area as the map's text alternative lists it."""

    area: AreaInfo
    name: str
    state: str  # one of STATES
    governorates: list[tuple[str, str]]  # (id, name in the page's language), as of the date
    row: str  # the id of its row in the glance table


@dataclass(frozen=True)
class AreaMap:
    phase: PhaseInfo
    phase_name: str
    areas: list[MapArea]
    spec: dict[str, Any]


def shown_phase(glance: Glance) -> PhaseInfo:
    """The first phase not yet held in every area, or the last phase when all are."""
    phases = glance.framework.phases
    for phase in phases:
        if any(r.held is not True for r in glance.rows if r.phase.key == phase.key):
            return phase
    return phases[-1]


def state_of(row: PhaseArea) -> str:
    return "unknown" if row.held is None else "held" if row.held else "not_held"


def area_map(glance: Glance, *, as_of: date, lang: str) -> AreaMap:
    """The map of ``glance``'s areas as of ``as_of``, worded in ``lang``."""
    current = glance.framework
    phase = shown_phase(glance)
    names = load_gazetteer(current.commission.country).names
    areas = []
    for row in glance.rows:
        if row.phase.key != phase.key:
            continue
        area = row.area
        own = [(g, _governorate(area, g, names[g], lang)) for g in area.governorates_on(as_of)]
        areas.append(MapArea(
            area, i18n.configured(area, "name", lang), state_of(row), own,
            f"glance-{phase.key}-{area.key}",
        ))  # fmt: skip
    phase_name = i18n.configured(phase, "name", lang)
    return AreaMap(phase, phase_name, areas, _spec(areas, names, phase_name, lang))


def _governorate(area: AreaInfo, key: str, english: str, lang: str) -> str:
    """A governorate's name in ``lang``: the area's own for it, or the area's name if it has
    no other governorate, else the gazetteer's."""
    if lang == "en":
        return english
    if key in area.governorates_ar:
        return area.governorates_ar[key]
    if len(area.governorates) == 1:
        return i18n.configured(area, "name", lang)
    return english


def _spec(areas: list[MapArea], names: dict[str, str], title: str, lang: str) -> dict[str, Any]:
    """A Vega-Lite geoshape of every polygon, each with its area's state (or outside any)."""

    def t(key: str) -> str:
        return i18n.translate(lang, key)

    labels = [t(s) for s in STATES]
    found: dict[str, dict[str, str]] = {}
    for a in areas:
        for key, name in a.governorates:
            drawn = DRAWN_WITHIN.get(key, key)
            if drawn in found and key != drawn:
                found[drawn]["governorate"] += f" + {name}"
                continue
            found[key] = {"id": key, "governorate": name, "area": a.name, "state": t(a.state)}
    for key, english in names.items():
        found.setdefault(key, {"id": key, "governorate": english, "area": "—", "state": labels[3]})
    fields = (("governorate", "map_governorate"), ("area", "area"), ("state", "state"))
    tooltip = [{"field": f, "type": "nominal", "title": t(heading)} for f, heading in fields]
    lookup = {
        "data": {"values": list(found.values())},
        "key": "id",
        "fields": [f for f, _ in fields],
    }
    return {
        "width": "container",
        "height": 240,
        "autosize": {"type": "fit", "contains": "padding"},
        "data": {"url": TOPOJSON, "format": {"type": "topojson", "feature": "governorates"}},
        "transform": [{"lookup": "properties.id", "from": lookup}],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.8},
        "encoding": {
            "color": {
                "field": "state",
                "type": "nominal",
                "scale": {"domain": labels, "range": list(COLOURS)},
                "legend": {"title": title, "orient": "bottom", "direction": "horizontal"},
            },
            "tooltip": tooltip,
        },
        "config": {"view": {"stroke": None}, "background": None, "legend": {"labelLimit": 160}},
    }
