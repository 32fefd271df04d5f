"""Timelines as the commission reads them: computed, stored with their versions, read back.

A run forecasts every indicator (:mod:`hmc.forecast.service`), projects each scenario
(:mod:`hmc.timeline.projection`) and stores the summary with the framework, data and
assessment versions it came from. Reading a run says whether it is still current; a stale
one is never passed off as current.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.assessment.models import Signature
from hmc.audit import service as audit
from hmc.domain.days import typed_day
from hmc.errors import InvalidInput
from hmc.evidence.models import ImportBatch
from hmc.forecast import PATHS
from hmc.forecast.service import HORIZON, Forecast, forecast
from hmc.framework.records import Framework, ScenarioInfo
from hmc.framework.service import framework, resolve_as_of
from hmc.timeline.models import ForecastRun
from hmc.timeline.projection import PhaseTimeline, Rule, sensitivity, timeline

FEWEST, MOST = 100, 10_000  # sample paths a forecast may be asked for

KNOWN_SHARE = 0.5  # a fan chart shows a week that at least this share of paths know

BUILT_IN = (
    ScenarioInfo("configured", "As configured", "Each gate as written: dates and conditions.",
                 "", {}, {}),
    ScenarioInfo("conditions", "Conditions only", "Each gate's conditions, whatever its dates.",
                 "", {}, {}),
)  # fmt: skip


@dataclass(frozen=True)
class Versions:
    framework: int
    data: int
    assessment: int


@dataclass(frozen=True)
class StoredRun:
    id: int
    commission_id: str
    as_of: date
    computed_at: datetime
    computed_by: str
    paths: int
    current: bool  # made from the versions that are current now
    made_from: Versions
    result: dict[str, Any]


def versions(session: Session, current: Framework) -> Versions:
    data = session.scalar(select(func.max(ImportBatch.id))) or 0
    signed = session.scalar(select(func.max(Signature.id))) or 0
    return Versions(current.commission.version, int(data), int(signed))


def scenarios(current: Framework) -> list[ScenarioInfo]:
    """The built-in scenarios, then the configuration's."""
    return [*BUILT_IN, *current.scenarios]


def rules(current: Framework, scenario: ScenarioInfo) -> dict[tuple[str, str], Rule]:
    """How each (phase, area) is decided under ``scenario``."""
    if scenario.key == "configured":
        return {}
    if scenario.key == "conditions" and not scenario.phase:
        return {(p.key, a.key): "conditions" for p in current.phases for a in current.areas}
    found: dict[tuple[str, str], Rule] = {}
    for area, by in scenario.by.items():
        found[(scenario.phase, area)] = scenario.dates[area] if by == "date" else by
    return found


def custom_scenario(current: Framework, phase: str, by: dict[str, str], dates: dict[str, date]
                    ) -> ScenarioInfo:  # fmt: skip
    """A scenario a user defines on the page or the command line, checked like the file's."""
    current.phase(phase)
    for area, rule in by.items():
        current.area(area)
        if rule not in ("conditions", "date", "gate"):
            raise InvalidInput(f'"{rule}" is not a rule (conditions, date or gate)', field=area)
        if rule == "date" and area not in dates:
            raise InvalidInput(f"area {area} is decided by date: give its date", field=area)
    return ScenarioInfo("custom", "Custom", "", phase, by, dates)


def area_pairs(texts: list[str], name: str) -> dict[str, str]:
    """``AREA:VALUE`` texts as {area: value}; InvalidInput naming ``name`` when malformed.

    >>> area_pairs(["federal-iraq:date", " kurdistan-region : gate "], "by")
    {'federal-iraq': 'date', 'kurdistan-region': 'gate'}
    """
    found: dict[str, str] = {}
    for text in texts:
        area, colon, value = (part.strip() for part in text.partition(":"))
        if not (area and colon and value):
            raise InvalidInput(f'{name}: "{text}" is not written AREA:VALUE', field=name)
        if area in found:
            raise InvalidInput(f"{name}: area {area} is given more than once", field=name)
        found[area] = value
    return found


def project(forecast_: Forecast, chosen: list[ScenarioInfo]) -> dict[str, Any]:
    """The summary a run stores: tracks' fans, each scenario's timeline, sensitivity."""
    current = forecast_.framework
    return {
        "as_of": forecast_.as_of.isoformat(),
        "start": forecast_.start.isoformat(),
        "horizon": forecast_.horizon,
        "paths": forecast_.paths,
        "tracks": [_track(forecast_, key) for key in forecast_.tracks],
        "scenarios": [
            {
                "id": s.key,
                "name": s.name,
                "description": s.description,
                "phase": s.phase,
                "rules": {f"{p}/{a}": _rule(r) for (p, a), r in rules(current, s).items()},
                "timeline": [_phase(t) for t in timeline(forecast_, rules(current, s))],
            }
            for s in chosen
        ],
        "sensitivity": [
            {"phase": p, "area": a, "indicator": k, "weeks_earlier": w}
            for (p, a), moved in sensitivity(forecast_).items()
            for k, w in moved.items()
        ],
    }


def _rule(rule: Rule) -> str:
    return rule.isoformat() if isinstance(rule, date) else rule


def _phase(found: PhaseTimeline) -> dict[str, Any]:
    row = asdict(found)
    for key in ("p10", "p50", "p90"):
        row[key] = row[key].isoformat() if row[key] else None
    row["probability_by"] = {d.isoformat(): p for d, p in found.probability_by}
    return row


def _track(forecast_: Forecast, key: tuple[str, str | None]) -> dict[str, Any]:
    track = forecast_.tracks[key]
    # over the paths that know a value (a rating before its planned milestone is unknown),
    # shown where at least half of them do
    shown = (~np.isnan(track.paths)).mean(axis=0) >= KNOWN_SHARE
    values = np.where(shown[None, :], track.paths, 0.0)
    low, mid, high = (
        np.where(shown, np.nanquantile(values, q, axis=0), np.nan) for q in (0.1, 0.5, 0.9)
    )
    return {
        "indicator": track.indicator.key,
        "area": track.area,
        "model": track.model,
        "note": track.note,
        "history": [None if np.isnan(v) else round(float(v), 3) for v in track.history[-52:]],
        "p10": [None if np.isnan(v) else round(float(v), 3) for v in low],
        "p50": [None if np.isnan(v) else round(float(v), 3) for v in mid],
        "p90": [None if np.isnan(v) else round(float(v), 3) for v in high],
    }


def compute(
    session: Session,
    *,
    commission_id: str,
    as_of: date | None,
    actor: Actor,
    paths: int = PATHS,
    horizon: int = HORIZON,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> StoredRun:
    """Forecast, project every scenario, store the run (audited) and return it."""
    current = framework(session, commission_id=commission_id)
    as_of = resolve_as_of(current.commission, as_of)
    made = forecast(
        session, commission_id=commission_id, as_of=as_of, paths=paths, horizon=horizon,
        seed=seed, progress=progress,
    )  # fmt: skip
    now = versions(session, current)
    run = ForecastRun(
        commission_id=commission_id,
        as_of=as_of,
        framework_version=now.framework,
        data_version=now.data,
        assessment_version=now.assessment,
        paths=paths,
        horizon=horizon,
        seed=seed,
        computed_at=datetime.now(UTC).replace(tzinfo=None),
        computed_by=str(actor),
        result=project(made, scenarios(current)),
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="forecast",
        object_type="forecast_run",
        object_id=run.id,
        commission_id=commission_id,
        after={"as_of": as_of.isoformat(), "paths": paths, **asdict(now)},
    )
    return _stored(run, now)


def stored(session: Session, *, commission_id: str, as_of: date | None) -> StoredRun | None:
    """The latest run for ``as_of`` (the commission's date if none), current or not."""
    current = framework(session, commission_id=commission_id)
    as_of = resolve_as_of(current.commission, as_of)
    run = session.scalars(
        select(ForecastRun)
        .where(ForecastRun.commission_id == commission_id, ForecastRun.as_of == as_of)
        .order_by(ForecastRun.id.desc())
        .limit(1)
    ).first()
    return None if run is None else _stored(run, versions(session, current))


def _stored(run: ForecastRun, now: Versions) -> StoredRun:
    made_from = Versions(run.framework_version, run.data_version, run.assessment_version)
    return StoredRun(
        run.id, run.commission_id, run.as_of, run.computed_at, run.computed_by, run.paths,
        made_from == now, made_from, run.result,
    )  # fmt: skip


@dataclass(frozen=True)
class Asked:
    """A custom scenario as a user asked for it: the phase, each area's rule and date."""

    phase: str
    rules: dict[str, str]  # area as typed → conditions, date or gate
    days: dict[str, date]  # area as typed → the date it is decided on


def scenario_asked(
    phase: str, by: list[str], dates: list[str], *, names: tuple[str, str] = ("by", "date")
) -> Asked:
    """``by`` (``AREA:RULE``) and ``dates`` (``AREA:YYYY-MM-DD``) read; errors use ``names``.

    >>> scenario_asked("transition", ["federal-iraq:date"], ["federal-iraq:2025-09-30"]).days
    {'federal-iraq': datetime.date(2025, 9, 30)}
    >>> scenario_asked("transition", [], ["iraq:30.9.2025"], names=("--by", "--date"))
    Traceback (most recent call last):
      ...
    hmc.errors.InvalidInput: --date of area iraq: "30.9.2025" is not a date (expected YYYY-MM-DD)
    """
    rules = area_pairs(by, names[0])
    pairs = area_pairs(dates, names[1]).items()
    days = {a: typed_day(d, field=f"{names[1]} of area {a}") for a, d in pairs}
    return Asked(phase, rules, days)


def custom(
    session: Session,
    *,
    commission_id: str,
    as_of: date | None,
    scenario: Asked,
    paths: int = PATHS,
) -> dict[str, Any]:
    """A user's scenario projected from a fresh forecast: a run's ``result`` shape, one scenario."""
    current = framework(session, commission_id=commission_id)
    rules = {current.area(a).key: r for a, r in scenario.rules.items()}
    days = {current.area(a).key: d for a, d in scenario.days.items()}
    chosen = custom_scenario(current, scenario.phase, rules, days)
    made = forecast(session, commission_id=commission_id, as_of=as_of, paths=paths)
    return project(made, [chosen])
