"""The sections of the joint report: each a template macro (``templates/sections.html``) fed
by a small function of what the report reads. Adding a section is a function, a macro of the
same name, and a line in :data:`SECTIONS`.

Everything is read as an observer of the commission reads it: only what both parties
released, never a party's drafts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import vl_convert
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.assessment.views import agreement_history
from hmc.evidence.views import list_sources
from hmc.framework.records import Framework
from hmc.meetings import views as meetings
from hmc.report.charts import area_colors, fan_chart, probability_chart
from hmc.timeline.service import StoredRun, stored
from hmc.timeline.status import CommissionStatus, status


@dataclass(frozen=True)
class Reading:
    """What every section reads from: the commission's status and stored timeline as of a date."""

    session: Session
    status: CommissionStatus
    run: StoredRun | None
    observer: Actor

    @property
    def framework(self) -> Framework:
        return self.status.framework

    @property
    def as_of(self) -> date:
        return self.status.as_of


def read(session: Session, *, commission_id: str, as_of: date | None) -> Reading:
    """The status and the stored timeline of ``commission_id`` as of ``as_of``."""
    found = status(session, commission_id=commission_id, as_of=as_of)
    run = stored(session, commission_id=commission_id, as_of=found.as_of)
    observer = Actor(
        kind="member", name="joint report", role="observer", commission_id=commission_id
    )
    return Reading(session, found, run, observer)


def svg(spec: dict[str, Any] | None) -> str | None:
    """A Vega-Lite chart as SVG markup (vector graphics in the PDF)."""
    return None if spec is None else str(vl_convert.vegalite_to_svg(spec))


def conditions(reading: Reading) -> dict[str, Any]:
    """Per factor: each indicator's latest value against its threshold, nationwide and per area."""
    return {
        "factors": [
            (f, [s for s in reading.status.indicators if s.indicator.factor.key == f.key])
            for f in reading.framework.factors
        ]
    }


def gates(reading: Reading) -> dict[str, Any]:
    """Per phase: the gate of each area and whether it holds."""
    return {
        "phases": [
            (p, [g for g in reading.status.gates if g.phase_key == p.key])
            for p in reading.framework.phases
            if p.gates
        ]
    }


def timeline(reading: Reading) -> dict[str, Any]:
    """The stored timeline: P10/P50/P90 per phase and area, each scenario's P50, the charts."""
    if reading.run is None:
        return {"run": None}
    result = reading.run.result
    start = date.fromisoformat(result["start"])
    areas = {a.key: a for a in reading.framework.areas}
    configured = result["scenarios"][0]["timeline"] if result["scenarios"] else []
    indicators = {i.key: i for i in reading.framework.indicators}
    fans = [
        (
            indicators[t["indicator"]],
            areas.get(t["area"]),
            svg(fan_chart(t, start, indicators[t["indicator"]].threshold, None)),
        )
        for t in result["tracks"]
        if t["indicator"] in indicators
    ]
    curves = []  # the charts carry no words: the template names their axes and areas
    for phase in reading.framework.phases:
        rows = [r for r in configured if r["phase"] == phase.key]
        if rows:
            colors = area_colors([r["area"] for r in rows])
            legend = [(areas[key], color) for key, color in colors.items()]
            curves.append((phase, svg(probability_chart(rows, {}, None)), legend))
    return {
        "run": reading.run,
        "rows": configured,
        "areas": areas,
        "phases": {p.key: p for p in reading.framework.phases},
        "scenarios": result["scenarios"],
        "own": reading.framework.scenarios,  # the configuration's scenarios, for their Arabic
        "fans": fans,
        "curves": curves,
    }


def divergences(reading: Reading) -> dict[str, Any]:
    """Each released round up to the date: the parties' agreement and the items they differed
    on, with the joint rating that reconciled them."""
    history = agreement_history(
        reading.session, viewer=reading.observer, commission_id=reading.framework.commission.id
    )
    return {"rounds": [d for d in history if d.round.as_of <= reading.as_of]}


def sources(reading: Reading) -> dict[str, Any]:
    """Every source of evidence with its reliability grade and how many events it gave."""
    return {"sources": list_sources(reading.session)}


def decisions(reading: Reading) -> dict[str, Any]:
    """The meetings held by the date: their decisions that stand (both co-chairs approved
    them) and their actions, by due date. Minutes are left out: drafts stay their party's."""
    held = [
        m.id
        for m in meetings.list_meetings(
            reading.session, viewer=reading.observer, commission_id=reading.framework.commission.id
        )
        if m.day <= reading.as_of
    ]
    return {
        "decisions": [d for d in meetings.decisions(reading.session, held) if d.state == "stands"],
        "actions": meetings.actions(reading.session, held),
    }


SECTIONS: tuple[tuple[str, Callable[[Reading], dict[str, Any]]], ...] = (
    ("conditions", conditions),
    ("gates", gates),
    ("timeline", timeline),
    ("divergences", divergences),
    ("decisions", decisions),
    ("sources", sources),
)
