"""When each phase can begin, per area, over the sample paths of a forecast.

Each gate is evaluated on the ``(paths, weeks)`` arrays with the same three-valued semantics
as the status of today. A phase begins in a path on the first week its gate holds that is
also at least the previous phase's minimum duration after the previous phase began; the
first phase has begun already. How a phase is decided in an area is the *rule*:

- ``gate``: the gate as configured, dates and conditions together;
- ``conditions``: its conditions alone, whatever dates the gate names;
- a date: on that date, whatever the conditions.

Dates are the last day of the week in which the gate holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from hmc.domain.gates import stored_gate
from hmc.forecast.methods import Array
from hmc.forecast.service import Forecast
from hmc.framework.records import AreaInfo, GateInfo, PhaseInfo

NEVER = np.iinfo(np.int64).max  # a start week for "not within the horizon"
Rule = str | date  # "gate", "conditions", or a date
RESURGENCE_WEEKS = 26  # after a date, how long a resurging threat is watched for
STEP = 0.1  # sensitivity: a measured indicator 10 % better; a rated one a level higher


@dataclass(frozen=True)
class PhaseTimeline:
    phase: str
    area: str
    rule: str  # "gate", "conditions" or "date"
    p10: date | None
    p50: date | None
    p90: date | None
    probability_by: list[tuple[date, float]] = field(hash=False)
    binding: str | None  # the indicator that most often holds the gate back
    held_back: dict[str, float] = field(hash=False)  # share of waiting path-weeks, per indicator
    not_met_on_date: float | None = None  # a date rule: P(conditions not met on the date)
    resurgence: float | None = None  # a date rule: P(threat above threshold soon after)


def starts(
    forecast: Forecast,
    rules: dict[tuple[str, str], Rule] | None = None,
    shift: tuple[str, float] | None = None,
) -> dict[tuple[str, str], Array]:
    """Per (phase, area): the week index each path's phase begins at (NEVER: not in time)."""
    rules = rules or {}
    current = forecast.framework
    found: dict[tuple[str, str], Array] = {}
    for phase in _ordered(current.phases):
        before = current.phase(phase.after) if phase.after else None
        for area in current.areas:
            key = (phase.key, area.key)
            if before is None:
                found[key] = np.zeros(forecast.paths, dtype=np.int64)
                continue
            earliest = found[(before.key, area.key)]
            earliest = np.where(earliest == NEVER, NEVER, earliest + before.min_duration_weeks)
            held = _held(forecast, _gate_of(phase, area), area, rules.get(key, "gate"), shift)
            found[key] = _first(held, earliest)
    return found


def _ordered(phases: tuple[PhaseInfo, ...]) -> list[PhaseInfo]:
    """Phases with each after the one it follows (the configuration forbids cycles)."""
    done: list[PhaseInfo] = []
    keys: set[str] = set()
    while len(done) < len(phases):
        for phase in phases:
            if phase.key not in keys and (phase.after is None or phase.after in keys):
                done.append(phase)
                keys.add(phase.key)
    return done


def _gate_of(phase: PhaseInfo, area: AreaInfo) -> GateInfo | None:
    return next((g for g in phase.gates if g.area.key == area.key), None)


def conditions(
    forecast: Forecast,
    gate: GateInfo,
    area: AreaInfo,
    shift: tuple[str, float] | None = None,
    relieve: frozenset[str] = frozenset(),
) -> Array:
    """The gate's expression over the future weeks: ``(paths, horizon)``, 1/0/NaN."""
    assert gate.expression is not None
    plain = shift is None and not relieve
    cached = (gate.expression, area.key)
    if plain and cached in forecast.conditions:
        return forecast.conditions[cached]
    parsed = stored_gate(gate.expression)
    arrays = {}
    for key in parsed.indicators():
        track = forecast.track(key, area)
        full = track.full()
        if shift is not None and shift[0] == key:
            full = _improved(full, track.indicator.better, track.indicator.kind, shift[1])
        arrays[key] = full
    found = parsed.evaluate(arrays, relieve=relieve)[:, forecast.lookback :]
    if plain:  # read again by every scenario, the binding constraint and the date rules
        forecast.conditions[cached] = found
    return found


def _improved(values: Array, better: str, kind: str, step: float) -> Array:
    """``values`` one ``step`` better: a level up (rated), or ``step`` as a share (measured)."""
    if kind == "rated":
        return values + (step if better == "higher" else -step)
    return values * (1 + step if better == "higher" else 1 - step)


def _held(
    forecast: Forecast,
    gate: GateInfo | None,
    area: AreaInfo,
    rule: Rule,
    shift: tuple[str, float] | None,
) -> Array:
    """``(paths, horizon)`` booleans: whether the phase may begin in each path and week."""
    ends = np.array(forecast.week_ends, dtype="datetime64[D]")
    shape = (forecast.paths, forecast.horizon)
    if isinstance(rule, date):
        return np.broadcast_to(ends >= np.datetime64(rule, "D"), shape)
    if gate is None:
        return np.ones(shape, dtype=bool)
    met = (
        np.zeros(shape, dtype=bool)
        if gate.expression is None
        else conditions(forecast, gate, area, shift) == 1.0
    )
    if rule == "conditions" and gate.expression is not None:
        return met
    late = ends >= np.datetime64(gate.no_later_than, "D") if gate.no_later_than else False
    early = ends < np.datetime64(gate.not_before, "D") if gate.not_before else False
    if gate.expression is None:
        met = np.broadcast_to(gate.not_before is not None, shape)
    return np.asarray((met & ~np.asarray(early)) | np.asarray(late), dtype=bool)


def _first(held: Array, earliest: Array) -> Array:
    """The first week at or after ``earliest`` (per path) on which ``held`` is true."""
    weeks = np.arange(held.shape[1])
    eligible = np.asarray(held, dtype=bool) & (weeks[None, :] >= earliest[:, None])
    found = eligible.argmax(axis=1)
    return np.where(eligible.any(axis=1), found, NEVER).astype(np.int64)


def quantile_date(forecast: Forecast, begun: Array, q: float) -> date | None:
    """The date by which a share ``q`` of paths have begun (None: not within the horizon)."""
    week = np.sort(begun)[min(math.ceil(q * begun.size) - 1, begun.size - 1)]
    return None if week == NEVER else forecast.week_ends[int(week)]


def timeline(
    forecast: Forecast, rules: dict[tuple[str, str], Rule] | None = None
) -> list[PhaseTimeline]:
    """Every phase after the first, per area: when it begins, and what holds it back."""
    rules = rules or {}
    begun = starts(forecast, rules)
    current = forecast.framework
    found = []
    for phase in _ordered(current.phases):
        if phase.after is None:
            continue
        for area in current.areas:
            key = (phase.key, area.key)
            rule = rules.get(key, "gate")
            found.append(_summary(forecast, phase, area, rule, begun))
    return found


def _summary(
    forecast: Forecast,
    phase: PhaseInfo,
    area: AreaInfo,
    rule: Rule,
    begun: dict[tuple[str, str], Array],
) -> PhaseTimeline:
    start = begun[(phase.key, area.key)]
    weeks = np.arange(forecast.horizon)
    share = (start[:, None] <= weeks[None, :]).mean(axis=0)
    gate = _gate_of(phase, area)
    dated = isinstance(rule, date)
    held_back = {} if dated else _held_back(forecast, phase, area, gate, begun)
    binding = max(held_back, key=lambda k: held_back[k]) if held_back else None
    not_met = resurgence = None
    if isinstance(rule, date) and gate is not None and gate.expression is not None:
        not_met, resurgence = _on_date(forecast, gate, area, rule)
    return PhaseTimeline(
        phase.key,
        area.key,
        "date" if dated else str(rule),
        quantile_date(forecast, start, 0.1),
        quantile_date(forecast, start, 0.5),
        quantile_date(forecast, start, 0.9),
        list(zip(forecast.week_ends, (round(float(s), 4) for s in share), strict=True)),
        binding if binding is not None and held_back[binding] > 0 else None,
        held_back,
        not_met,
        resurgence,
    )


def _held_back(
    forecast: Forecast,
    phase: PhaseInfo,
    area: AreaInfo,
    gate: GateInfo | None,
    begun: dict[tuple[str, str], Array],
) -> dict[str, float]:
    """Per indicator of the gate: the share of path-weeks spent waiting (eligible, not yet
    begun, conditions not met) in which that indicator alone was no obstacle would help."""
    if gate is None or gate.expression is None:
        return {}
    before = begun[(phase.after, area.key)] if phase.after else None
    met = conditions(forecast, gate, area)
    weeks = np.arange(forecast.horizon)[None, :]
    start = begun[(phase.key, area.key)][:, None]
    waiting = np.asarray(met != 1.0) & np.asarray(weeks < start)
    if before is not None:
        after_previous = np.where(before == NEVER, NEVER, before)[:, None]
        waiting &= weeks >= after_previous
    total = waiting.sum()
    if total == 0:
        return {}
    shares = {}
    for key in sorted(stored_gate(gate.expression).indicators()):
        relieved = conditions(forecast, gate, area, relieve=frozenset({key}))
        shares[key] = round(float(((relieved == 1.0) & waiting).sum() / total), 4)
    return shares


def _on_date(
    forecast: Forecast, gate: GateInfo, area: AreaInfo, day: date
) -> tuple[float | None, float | None]:
    """On ``day``: the chance its conditions are not met; and after it, that a measured threat
    indicator of the gate rises over its threshold (4-week mean) within 26 weeks."""
    ends = forecast.week_ends
    index = next((w for w, end in enumerate(ends) if end >= day), None)
    if index is None:
        return None, None
    met = conditions(forecast, gate, area)[:, index]
    not_met = round(float((met != 1.0).mean()), 4)
    risky = []
    for key in sorted(stored_gate(gate.expression or "").indicators()):
        track = forecast.track(key, area)
        indicator = track.indicator
        if indicator.kind != "measured" or indicator.threshold is None:
            continue
        first = max(0, forecast.lookback + index - 3)
        window = track.full()[:, first : forecast.lookback + index + RESURGENCE_WEEKS]
        means = np.lib.stride_tricks.sliding_window_view(window, 4, axis=1).mean(axis=2)
        worse = (
            means > indicator.threshold
            if indicator.better == "lower"
            else (means < indicator.threshold)
        )
        risky.append(worse.any(axis=1))
    if not risky:
        return not_met, None
    return not_met, round(float(np.any(risky, axis=0).mean()), 4)


def sensitivity(
    forecast: Forecast, rules: dict[tuple[str, str], Rule] | None = None
) -> dict[tuple[str, str], dict[str, int | None]]:
    """Per (phase, area): how many weeks earlier P50 comes if one indicator of its gate were
    a step better (None: P50 is beyond the horizon either way)."""
    begun = starts(forecast, rules)
    found: dict[tuple[str, str], dict[str, int | None]] = {}
    keys = sorted({
        k for p in forecast.framework.phases for g in p.gates if g.expression
        for k in stored_gate(g.expression).indicators()
    })  # fmt: skip
    moved = {
        key: starts(forecast, rules, shift=(key, 1.0 if _rated(forecast, key) else STEP))
        for key in keys
    }
    for phase in forecast.framework.phases:
        for gate in phase.gates:
            if gate.expression is None or phase.after is None:
                continue
            at = (phase.key, gate.area.key)
            base = _median(begun[at])
            found[at] = {}
            for key in sorted(stored_gate(gate.expression).indicators()):
                better = _median(moved[key][at])
                found[at][key] = None if base is None or better is None else base - better
    return found


def _rated(forecast: Forecast, key: str) -> bool:
    return forecast.framework.indicator(key).kind == "rated"


def _median(begun: Array) -> int | None:
    week = int(np.sort(begun)[(begun.size - 1) // 2])
    return None if week == NEVER else week
