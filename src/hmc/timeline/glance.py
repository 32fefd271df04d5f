"""The state of the transition at a glance: every phase × area, its state and why, and when.

Assembled from the status as of a date (:mod:`hmc.timeline.status`) and the stored timeline
run for that date (:mod:`hmc.timeline.service`), never computed here: a run not yet computed
is said to be so. Read by the dashboard's top, the API and ``hmc status``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from hmc.domain.gates import ENGLISH, Condition, Words, explanation, stored_gate
from hmc.framework.records import AreaInfo, Framework, PhaseInfo
from hmc.locale import configured, translate
from hmc.timeline.service import StoredRun, stored
from hmc.timeline.status import CommissionStatus, GateStatus, status

DATE_REASONS = frozenset({"no_later_than", "not_before", "date_reached", "awaiting_date"})


@dataclass(frozen=True)
class When:
    """When a phase can begin in an area, from a stored run of the configured scenario."""

    p10: date | None  # None: not within the run's horizon
    p50: date | None
    p90: date | None
    binding: str | None  # the indicator that most often holds the gate back
    by: date | None = None  # the gate's configured date, if it has one
    probability: float | None = None  # the chance its conditions hold by ``by``


@dataclass(frozen=True)
class PhaseArea:
    """One phase in one area: its state, why, how fresh its evidence is, and when."""

    phase: PhaseInfo
    area: AreaInfo
    gate: GateStatus | None  # None: a phase without a gate here (the first: under way)
    when: When | None  # None: the first phase, or no run computed yet
    evidence_until: date | None  # the oldest of the latest weeks its indicators have data for
    exercise: bool  # its conditions read ratings of an exercise round

    @property
    def held(self) -> bool | None:
        return True if self.gate is None else self.gate.held

    def conditions(self, framework: Framework, *, lang: str = "en", words: Words = ENGLISH
                   ) -> list[Condition]:  # fmt: skip
        """The gate's conditions as they stand, indicators named in ``lang``."""
        gate = self.gate
        if gate is None or gate.gate.expression is None or not gate.series:
            return []
        weeks = {a.shape[-1] for a in gate.series.values()}
        if weeks == {0}:
            return []
        names = {i.key: configured(i, "name", lang) for i in framework.indicators}
        parsed = stored_gate(gate.gate.expression)
        return parsed.explain(gate.series, names=names, words=words)

    def why(self, framework: Framework, *, lang: str = "en") -> str:
        """Why the phase is in its state, in words in ``lang``."""
        gate = self.gate
        if gate is None:
            return translate(lang, "glance_under_way")
        if gate.reason_code in DATE_REASONS:
            return translate(lang, f"reason_{gate.reason_code}").format(date=gate.reason_date)
        words = wording(lang)
        found = self.conditions(framework, lang=lang, words=words)
        if not found:
            reason = translate(lang, f"reason_{gate.reason_code}")
            return words.unknown.format(reasons=words.no_data.format(condition=reason))
        return explanation(found, words)


@dataclass(frozen=True)
class Glance:
    """A commission's transition as of a date, phase by phase and area by area."""

    status: CommissionStatus
    rows: list[PhaseArea]
    run: StoredRun | None  # the stored run for the date (stale or current); None: none yet

    @property
    def framework(self) -> Framework:
        return self.status.framework


def glance(session: Session, *, commission_id: str, as_of: date | None) -> Glance:
    """Every phase × area of a commission as known on ``as_of``, with the stored run's dates."""
    found = status(session, commission_id=commission_id, as_of=as_of)
    run = stored(session, commission_id=commission_id, as_of=found.as_of)
    return arrange(found, run)


def arrange(found: CommissionStatus, run: StoredRun | None) -> Glance:
    """A computed status and a stored run, arranged phase by phase, area by area."""
    current = found.framework
    gates = {(g.phase_key, g.gate.area.key): g for g in found.gates}
    timeline = _configured(run)
    chances = _chances(run)
    latest = {(s.indicator.key, s.area.key if s.area else None): s for s in found.indicators}
    exercise = found.assessment is not None and found.assessment.exercise
    rows = []
    for phase in current.phases:
        for area in current.areas:
            gate = gates.get((phase.key, area.key))
            keys = _indicators(gate)
            scoped = [(i, area.key if current.indicator(i).scope == "area" else None) for i in keys]
            days = [latest[k].latest_period for k in scoped if k in latest]
            rated = any(current.indicator(i).kind == "rated" for i in keys)
            when = _when(timeline.get((phase.key, area.key)), gate, chances)
            until = min((d for d in days if d is not None), default=None)
            rows.append(PhaseArea(phase, area, gate, when, until, exercise and rated))
    return Glance(found, rows, run)


def _indicators(gate: GateStatus | None) -> list[str]:
    if gate is None or gate.gate.expression is None:
        return []
    return sorted(stored_gate(gate.gate.expression).indicators())


def _scenario(run: StoredRun | None, key: str) -> dict[tuple[str, str], dict[str, Any]]:
    if run is None:
        return {}
    for scenario in run.result.get("scenarios", []):
        if scenario["id"] == key:
            return {(t["phase"], t["area"]): t for t in scenario["timeline"]}
    return {}


def _configured(run: StoredRun | None) -> dict[tuple[str, str], dict[str, Any]]:
    return _scenario(run, "configured")


def _chances(run: StoredRun | None) -> dict[tuple[str, str], dict[str, float]]:
    """Per (phase, area): the chance its conditions alone hold by each week's last day."""
    return {k: t["probability_by"] for k, t in _scenario(run, "conditions").items()}


def _when(
    row: dict[str, Any] | None,
    gate: GateStatus | None,
    chances: dict[tuple[str, str], dict[str, float]],
) -> When | None:
    if row is None:
        return None
    day = None if gate is None else gate.gate.no_later_than or gate.gate.not_before
    chance = None
    if day is not None and gate is not None:
        chance = probability_by(chances.get((gate.phase_key, gate.gate.area.key), {}), day)
    p10, p50, p90 = (date.fromisoformat(row[k]) if row[k] else None for k in ("p10", "p50", "p90"))
    return When(
        p10,
        p50,
        p90,
        binding=row.get("binding"),
        by=day if chance is not None else None,
        probability=chance,
    )


def probability_by(weekly: Mapping[str, float], day: date) -> float | None:
    """The chance by ``day``: that of the last week ending on or before it (None: outside).

    >>> weeks = {"2025-09-21": 0.2, "2025-09-28": 0.5, "2025-10-05": 0.7}
    >>> probability_by(weeks, date(2025, 9, 30)), probability_by(weeks, date(2025, 9, 1))
    (0.5, None)
    >>> probability_by(weeks, date(2026, 1, 1)) is None
    True
    """
    ends = sorted(date.fromisoformat(d) for d in weekly)
    if not ends or day < ends[0] or (day - ends[-1]).days >= 7:
        return None
    last = max(d for d in ends if d <= day)
    return weekly[last.isoformat()]


def wording(lang: str) -> Words:
    """How gate explanations are worded in ``lang``."""
    if lang == "en":
        return ENGLISH
    return Words(
        functions={f: translate(lang, f"gate_fn_{f}") for f in ("mean", "sum", "min", "max")},
        window=translate(lang, "gate_window"),
        held=translate(lang, "gate_held"),
        not_held=translate(lang, "gate_not_held"),
        unknown=translate(lang, "gate_unknown"),
        short_weeks=translate(lang, "gate_short_weeks"),
        unknown_weeks=translate(lang, "gate_unknown_weeks"),
        now=translate(lang, "gate_now"),
        no_data=translate(lang, "gate_no_data"),
        joined="؛ " if lang == "ar" else "; ",
        no_weeks=translate(lang, "gate_no_weeks"),
    )
