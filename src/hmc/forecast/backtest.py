"""Rolling-origin backtests, and the rule that picks a series' model from them.

At each origin the models forecast the next ``horizons`` weeks from the weeks before it
only; each forecast is scored against what then happened: CRPS (scoringrules), whether the
value fell in the central 80 % of the paths, and mean forecast against mean actual.

``selected`` is what hmc's own rule would have forecast at each origin: the model with the
lowest mean CRPS over the forecasts whose outcome was known before that origin (so its
score is honest, not the best of many in hindsight). :func:`choose` is that rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hmc.forecast.methods import MODELS, Array, run_all

HORIZONS = 12
MIN_HISTORY = 52  # weeks before the first origin
MAX_ORIGINS = 60  # origins are spread over the series so that there are at most this many
MIN_SCORED = 8  # forecasts a model needs scored before the rule trusts its score
FALLBACK = "pooled"  # what the rule uses until then
SELECTED = "selected"


@dataclass(frozen=True)
class Score:
    model: str
    horizon: int
    crps: float
    coverage80: float  # share of outcomes within the paths' 10th–90th percentiles
    bias: float | None  # mean forecast / mean outcome (None: every outcome was zero)
    forecasts: int


@dataclass(frozen=True)
class Backtest:
    series: str
    weeks: int
    origins: int
    scores: tuple[Score, ...]
    chosen: dict[str, int]  # how often the rule chose each model

    def score(self, model: str, horizon: int) -> Score:
        return next(s for s in self.scores if s.model == model and s.horizon == horizon)

    def mean_crps(self, model: str) -> float:
        return float(np.mean([s.crps for s in self.scores if s.model == model]))


@dataclass
class _Record:
    """Per model: one row per (origin, horizon) forecast."""

    origin: list[int]
    target: list[int]
    crps: list[float]
    inside: list[bool]
    mean: list[float]
    actual: list[float]


def _new() -> _Record:
    return _Record([], [], [], [], [], [])


def _score(record: _Record, paths: Array, origin: int, values: Array, horizons: int) -> None:
    import scoringrules as sr  # and SciPy with it: only when a backtest scores

    reach = min(horizons, values.size - origin)
    actual = values[origin : origin + reach]
    ahead = paths[:, :reach]
    low, high = np.quantile(ahead, [0.1, 0.9], axis=0)
    record.origin += [origin] * reach
    record.target += list(range(origin, origin + reach))
    record.crps += np.asarray(sr.crps_ensemble(actual, ahead, m_axis=0), dtype=float).tolist()
    record.inside += ((low <= actual) & (actual <= high)).tolist()
    record.mean += ahead.mean(axis=0).tolist()
    record.actual += actual.tolist()


def choose(records: dict[str, _Record], origin: int) -> str:
    """The model with the lowest mean CRPS over forecasts whose outcome came before ``origin``."""
    best, best_crps = FALLBACK, np.inf
    for model, record in records.items():
        known = np.asarray(record.target) < origin
        if known.sum() >= MIN_SCORED:
            crps = float(np.asarray(record.crps)[known].mean())
            if crps < best_crps:
                best, best_crps = model, crps
    return best


def origins(weeks: int, *, step: int | None = None, start: int = MIN_HISTORY) -> range:
    """Forecast origins: week indexes from ``start``, ``step`` apart (spread to MAX_ORIGINS)."""
    step = step or max(1, -(-(weeks - 1 - start) // MAX_ORIGINS))
    return range(start, weeks, step)


def backtest(
    values: Array,
    *,
    series: str = "series",
    horizons: int = HORIZONS,
    paths: int = 1000,
    step: int | None = None,
    seed: int = 0,
) -> Backtest:
    """Evaluate every model, and the selection rule, on ``values`` (weekly, no gaps)."""
    values = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    records = {model: _new() for model in MODELS}
    records[SELECTED] = _new()
    chosen: dict[str, int] = {}
    at = origins(values.size, step=step)
    for origin in at:
        history = values[:origin]
        made = run_all(history, horizons, paths, rng)
        pick = choose({m: records[m] for m in MODELS}, origin)
        chosen[pick] = chosen.get(pick, 0) + 1
        for model, drawn in made.items():
            _score(records[model], drawn, origin, values, horizons)
        _score(records[SELECTED], made[pick], origin, values, horizons)
    return Backtest(series, values.size, len(at), _summary(records, horizons), chosen)


def _summary(records: dict[str, _Record], horizons: int) -> tuple[Score, ...]:
    scores = []
    for model, record in records.items():
        lead = np.asarray(record.target) - np.asarray(record.origin) + 1
        for h in range(1, horizons + 1):
            at = lead == h
            if not at.any():
                continue
            actual = np.asarray(record.actual)[at].sum()
            mean = np.asarray(record.mean)[at].sum()
            scores.append(
                Score(
                    model,
                    h,
                    float(np.asarray(record.crps)[at].mean()),
                    float(np.asarray(record.inside)[at].mean()),
                    float(mean / actual) if actual > 0 else None,
                    int(at.sum()),
                )
            )
    return tuple(scores)


def select(history: Array, *, seed: int = 0) -> str:
    """The model hmc's rule picks for ``history``, from a backtest on its own recent weeks."""
    history = np.asarray(history, dtype=float)
    recent = history[-(2 * 52 + HORIZONS) :]
    rng = np.random.default_rng(seed)
    records = {model: _new() for model in MODELS}
    for origin in origins(recent.size, step=4):
        for model, drawn in run_all(recent[:origin], HORIZONS, 200, rng).items():
            _score(records[model], drawn, origin, recent, HORIZONS)
    return choose(records, recent.size)
