"""JSON endpoints of timelines: the stored run, computing one, a custom scenario, a backtest.

A run is stored with the versions it was made from and read back with ``current``; a stale
one is answered as stale, never as current. A custom scenario is projected on the fly from a
fresh forecast by the timeline service (:func:`hmc.timeline.service.custom`), as on the page.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Literal

import numpy as np
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hmc.api.assessment import CommissionId
from hmc.deps import AsOfDep, DatabaseDep, ViewerDep
from hmc.domain.gates import Condition
from hmc.errors import InvalidInput, NotFound
from hmc.forecast import PATHS
from hmc.forecast.backtest import HORIZONS, MIN_HISTORY, backtest
from hmc.framework.records import Framework
from hmc.framework.schemas import ID_LENGTH, Day
from hmc.framework.service import framework, resolve_as_of
from hmc.indicators.service import series
from hmc.permissions import Permission, require
from hmc.timeline.glance import glance
from hmc.timeline.service import (
    FEWEST,
    MOST,
    StoredRun,
    compute,
    custom,
    scenario_asked,
    stored,
)

router = APIRouter(prefix="/api", tags=["timeline"])
BACKTEST_PATHS = 500
RULES = ("conditions", "date", "gate")
Pair = Annotated[str, StringConstraints(max_length=200)]
Pairs = Annotated[list[Pair], Query(max_length=100)]


class TrackRead(BaseModel):
    indicator: str
    area: str | None = Field(description="The area (null: nationwide).")
    model: str = Field(description='The model forecasting it, "rating" or "none".')
    note: str = Field(description="Why there is no forecast, or what it rests on.")
    history: list[float | None] = Field(
        description="Weekly values before `start`, oldest first (null: unknown)."
    )
    p10: list[float | None] = Field(description="One per week from `start` (null: unknown).")
    p50: list[float | None]
    p90: list[float | None]


class PhaseTimelineRead(BaseModel):
    phase: str
    area: str
    rule: Literal["gate", "conditions", "date"]
    p10: date | None = Field(description="Null: not within the horizon.")
    p50: date | None
    p90: date | None
    probability_by: dict[str, float] = Field(
        description="Per week's last day (YYYY-MM-DD): the chance the phase has begun by then."
    )
    binding: str | None = Field(description="The indicator that most often holds the gate back.")
    held_back: dict[str, float] = Field(
        description="Per indicator: its share of the path-weeks the gate was waiting."
    )
    not_met_on_date: float | None = Field(
        description="A date rule: the chance the conditions are not met on the date."
    )
    resurgence: float | None = Field(
        description="A date rule: the chance the threat rises above its threshold soon after."
    )


class ScenarioRead(BaseModel):
    id: str
    name: str
    description: str
    phase: str = Field(description="The phase it decides differently (empty: every phase).")
    rules: dict[str, str] = Field(description='Per "phase/area": conditions, gate or a date.')
    timeline: list[PhaseTimelineRead]


class SensitivityRead(BaseModel):
    phase: str
    area: str
    indicator: str
    weeks_earlier: int | None = Field(
        description="How much earlier (P50) the phase begins if this indicator were a step"
        " better (null: not within the horizon either way)."
    )


class MadeFrom(BaseModel):
    framework: int = Field(description="The framework's version.")
    data: int = Field(description="The newest evidence import (0: none).")
    assessment: int = Field(description="The newest signature (0: none).")


class Projected(BaseModel):
    as_of: date
    start: date = Field(description="The Monday of the first forecast week.")
    horizon: int = Field(description="Weeks forecast.")
    paths: int = Field(description="Sample paths forecast.")


class TimelineRead(Projected):
    """A stored run: every indicator's fan, each scenario's timeline, the sensitivity."""

    id: int
    commission: str
    current: bool = Field(
        description="Whether it was made from the framework, evidence and signatures of now"
        " (false: stale, computed before one of them changed)."
    )
    computed_at: datetime
    computed_by: str
    made_from: MadeFrom
    tracks: list[TrackRead]
    scenarios: list[ScenarioRead]
    sensitivity: list[SensitivityRead]

    @classmethod
    def of(cls, run: StoredRun) -> TimelineRead:
        return cls.model_validate(
            {
                **run.result,
                "id": run.id,
                "commission": run.commission_id,
                "current": run.current,
                "computed_at": run.computed_at,
                "computed_by": run.computed_by,
                "made_from": asdict(run.made_from),
            }
        )


class CustomRead(Projected):
    scenario: ScenarioRead


class ComputeWrite(BaseModel):
    # strict: "300" is not read as 300; an unknown field is refused, not ignored
    model_config = ConfigDict(extra="forbid", strict=True)

    as_of: Day | None = Field(default=None, description="Default: the commission's date.")
    paths: int = Field(default=PATHS, ge=FEWEST, le=MOST, description="Sample paths.")


class ScoreRead(BaseModel):
    model: str = Field(description='A model, or "selected": what hmc\'s rule would have used.')
    horizon: int = Field(description="Weeks ahead.")
    crps: float = Field(description="Mean continuous ranked probability score (lower: better).")
    coverage80: float = Field(description="Share of outcomes within the central 80 %.")
    bias: float | None = Field(description="Mean forecast / mean outcome (null: all zero).")
    forecasts: int


class BacktestRead(BaseModel):
    indicator: str
    area: str | None
    as_of: date
    weeks: int = Field(description="Weeks with a value (weeks without one are left out).")
    origins: int
    chosen: dict[str, int] = Field(description="How often the rule chose each model.")
    scores: list[ScoreRead]


@router.get("/commissions/{commission_id}/timeline", response_model=TimelineRead)
def timeline(commission_id: CommissionId, database: DatabaseDep, as_of: AsOfDep) -> TimelineRead:
    """The latest run computed for ``as_of``, with whether it is still current."""
    with database.read() as session:
        current = framework(session, commission_id=commission_id)
        day = resolve_as_of(current.commission, as_of)
        run = stored(session, commission_id=commission_id, as_of=day)
    if run is None:
        raise NotFound(
            f"no timeline was computed for {commission_id} as of {day}; compute one first"
            f" (POST /api/commissions/{commission_id}/timeline)",
            as_of=day.isoformat(),
        )
    return TimelineRead.of(run)


@router.post("/commissions/{commission_id}/timeline", response_model=TimelineRead, status_code=201)
def compute_timeline(
    commission_id: CommissionId,
    database: DatabaseDep,
    viewer: ViewerDep,
    body: ComputeWrite | None = None,
) -> TimelineRead:
    """Forecast, project every scenario and store the run (a co-chair, member or analyst)."""
    asked = body or ComputeWrite()
    require(viewer.actor, Permission.COMPUTE_TIMELINE, commission_id)
    with database.write(lock=False) as session:  # compute locks the chain once it has the run
        run = compute(
            session,
            commission_id=commission_id,
            as_of=asked.as_of,
            actor=viewer.actor,
            paths=asked.paths,
        )
    return TimelineRead.of(run)


@router.get("/commissions/{commission_id}/scenario", response_model=CustomRead)
def scenario(
    commission_id: CommissionId,
    database: DatabaseDep,
    as_of: AsOfDep,
    phase: Annotated[str, Query(max_length=ID_LENGTH, description="The phase decided.")],
    by: Annotated[Pairs, Query(description="AREA:RULE, a rule being conditions, date or gate.")],
    date_: Annotated[
        Pairs, Query(alias="date", description="AREA:YYYY-MM-DD for each area decided by date.")
    ] = [],  # noqa: B006 (FastAPI copies a default)
    paths: Annotated[int, Query(ge=FEWEST, le=MOST)] = PATHS,
) -> CustomRead:
    """A scenario of one's own, projected from a fresh forecast (nothing is stored)."""
    with database.read() as session:
        scenario = scenario_asked(phase, by, date_)
        result = custom(
            session, commission_id=commission_id, as_of=as_of, scenario=scenario, paths=paths
        )
    return CustomRead.model_validate({**result, "scenario": result["scenarios"][0]})


def _place(current: Framework, key: str, area: str | None) -> str | None:
    """The area a measured indicator's values are read for (None: nationwide), or why not."""
    indicator = current.indicator(key)
    if indicator.kind != "measured":
        raise InvalidInput(
            f'indicator "{key}" is rated: its forecast follows the signed ratings and the'
            " planned milestones, there is no model to backtest",
            indicator=key,
        )
    if area is not None and indicator.scope != "area":
        raise InvalidInput(
            f'indicator "{key}" is measured nationwide, not per area (leave out "area")',
            indicator=key,
        )
    return None if area is None else current.area(area).key


@router.get("/commissions/{commission_id}/backtest", response_model=BacktestRead)
def indicator_backtest(
    commission_id: CommissionId,
    database: DatabaseDep,
    as_of: AsOfDep,
    indicator: Annotated[str, Query(max_length=ID_LENGTH, description="A measured indicator.")],
    area: Annotated[
        str | None, Query(max_length=ID_LENGTH, description="Default: nationwide.")
    ] = None,
    paths: Annotated[int, Query(ge=FEWEST, le=2_000)] = BACKTEST_PATHS,
) -> BacktestRead:
    """How each model, and hmc's rule, would have forecast the indicator's weekly values."""
    with database.read() as session:
        current = framework(session, commission_id=commission_id)
        place = _place(current, indicator, area)
        day = resolve_as_of(current.commission, as_of)
        found = current.area(place) if place else None
        known = series(
            session, indicator=current.indicator(indicator), area=found, period="week", as_of=day
        )
    values = np.array([v for v in known.values if not math.isnan(v)], dtype=float)
    if values.size < MIN_HISTORY + HORIZONS:
        raise InvalidInput(
            f"{indicator} has {values.size} weeks of values as of {day}; a backtest needs"
            f" {MIN_HISTORY + HORIZONS}",
            indicator=indicator,
        )
    scored = backtest(values, series=indicator, paths=paths)
    return BacktestRead(
        indicator=indicator,
        area=place,
        as_of=day,
        weeks=scored.weeks,
        origins=scored.origins,
        chosen=scored.chosen,
        scores=[ScoreRead.model_validate(asdict(s)) for s in scored.scores],
    )


class ConditionRead(BaseModel):
    text: str = Field(description='The condition in words, e.g. "SIGACTs (4-week mean) ≤ 5".')
    met: bool | None = Field(description="On the last week: met, not met, or unknown (null).")
    window: int | None = Field(description="A sustained condition: the weeks it must hold.")
    weeks_met: int | None = Field(description="A sustained condition: of those, weeks it held.")
    weeks_unknown: int | None = Field(description="A sustained condition: weeks without data.")
    value: float | None = Field(description="A comparison: its left side on the last week.")


class PhaseAreaRead(BaseModel):
    phase: str
    phase_name: str
    area: str
    area_name: str
    held: bool | None = Field(description="Whether the phase's gate holds (null: unknown).")
    why: str = Field(description='Why, in words: "not held: … in only 7 of the 12 weeks …".')
    conditions: list[ConditionRead]
    computed: bool = Field(description="Whether a stored timeline run gives when (first: no).")
    p10: date | None = Field(description="From the stored run (null: none, or beyond horizon).")
    p50: date | None
    p90: date | None
    binding: str | None = Field(description="The indicator that most often holds it back.")
    by: date | None = Field(description="The gate's configured date, where there is one.")
    probability: float | None = Field(description="The chance its conditions hold by `by`.")
    evidence_until: date | None = Field(
        description="The oldest of the latest weeks its gate's indicators have data for."
    )
    exercise: bool = Field(description="Its gate reads the ratings of an exercise round.")


class StateRead(BaseModel):
    commission: str
    as_of: date
    run_id: int | None = Field(description="The stored timeline run read (null: none yet).")
    run_current: bool | None = Field(description="Whether that run is still current.")
    newest_evidence: date | None
    rows: list[PhaseAreaRead]


@router.get("/commissions/{commission_id}/state", response_model=StateRead)
def state(commission_id: CommissionId, database: DatabaseDep, as_of: AsOfDep) -> StateRead:
    """The transition at a glance: every phase × area, its state and why, and when."""
    with database.read() as session:
        found = glance(session, commission_id=commission_id, as_of=as_of)
    current = found.framework
    rows = []
    for r in found.rows:
        w = r.when
        conditions = [ConditionRead(met=c.state, **_fields(c)) for c in r.conditions(current)]
        rows.append(PhaseAreaRead(
            phase=r.phase.key, phase_name=r.phase.name, area=r.area.key, area_name=r.area.name,
            held=r.held, why=r.why(current), conditions=conditions, computed=w is not None,
            p10=w and w.p10, p50=w and w.p50, p90=w and w.p90, binding=w and w.binding,
            by=w and w.by, probability=w and w.probability, evidence_until=r.evidence_until,
            exercise=r.exercise,
        ))  # fmt: skip
    run = found.run
    return StateRead(
        commission=commission_id,
        as_of=found.status.as_of,
        run_id=run.id if run else None,
        run_current=run.current if run else None,
        newest_evidence=found.status.newest_evidence,
        rows=rows,
    )


def _fields(condition: Condition) -> dict[str, object]:
    return {k: v for k, v in asdict(condition).items() if k != "state"}
