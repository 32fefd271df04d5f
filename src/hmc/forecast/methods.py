"""Forecasting models for weekly indicator series: each returns sample paths.

A model takes the known history of one weekly series (oldest first, no gaps) and returns a
``(paths, horizon)`` array of possible futures, never below zero (the series are counts and
rates). Three are naive baselines that any forecast must beat. The others rest on a
damped-trend exponential smoothing state-space model (statsmodels) fitted to the square
roots of the counts, which steadies their variance, keeps paths at or above zero and lets
them follow a change of level: ``ets`` simulates it forward, ``smoothed`` adds to its
forecast the errors it made lately, ``pooled`` mixes both with the moving average. Which one
a series gets is chosen by backtest (:mod:`hmc.forecast.backtest`), never by hand.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from statsmodels.tsa.exponential_smoothing.ets import ETSResults

Array = npt.NDArray[np.float64]
Model = Callable[[Array, int, int, np.random.Generator], Array]

RECENT = 52  # weeks a baseline draws from
FIT_WEEKS = 156  # the longest history a model is fitted on (older weeks say little)
MA_WEEKS = 4
MIN_FIT = 10  # fewer weeks than this are too few to fit a model to
ERROR_WEEKS = 26  # the longest horizon whose errors "smoothed" draws from the history


def no_change(history: Array, horizon: int, paths: int, rng: np.random.Generator) -> Array:
    """A random walk from the last value, stepping by week-to-week changes seen lately."""
    steps = np.diff(history[-RECENT - 1 :]) if history.size > 1 else np.zeros(1)
    walk = rng.choice(steps, size=(paths, horizon)).cumsum(axis=1)
    return np.asarray(np.maximum(history[-1] + walk, 0.0), dtype=float)


def moving_average(history: Array, horizon: int, paths: int, rng: np.random.Generator) -> Array:
    """The mean of the last four weeks, give or take the errors that mean made lately."""
    recent = history[-RECENT - MA_WEEKS :]
    if recent.size > MA_WEEKS:
        windows = np.lib.stride_tricks.sliding_window_view(recent[:-1], MA_WEEKS)
        errors = recent[MA_WEEKS:] - windows.mean(axis=1)
    else:
        errors = np.zeros(1)
    level = history[-MA_WEEKS:].mean()
    return np.asarray(
        np.maximum(level + rng.choice(errors, size=(paths, horizon)), 0.0), dtype=float
    )


def bootstrap(history: Array, horizon: int, paths: int, rng: np.random.Generator) -> Array:
    """Any week of the last 52, drawn at random."""
    return rng.choice(history[-RECENT:], size=(paths, horizon))


def _fit(history: Array) -> tuple[Array, ETSResults] | None:
    """The damped-trend model fitted to the square roots of ``history`` (None: too short or
    constant, nothing to fit)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning  # statsmodels when fitting
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from threadpoolctl import threadpool_limits

    y = np.sqrt(history[-FIT_WEEKS:])
    if y.size < MIN_FIT or np.ptp(y) == 0.0:
        return None
    # one thread: the optimiser's small linear algebra only loses time to thread hand-offs
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return y, ETSModel(y, error="add", trend="add", damped_trend=True).fit(disp=False)


def _ets() -> Model:
    """A damped-trend exponential smoothing state-space model on the square root of the
    counts (which steadies their variance), simulated forward."""

    def model(history: Array, horizon: int, paths: int, rng: np.random.Generator) -> Array:
        fitted = _fit(history)
        if fitted is None:  # it stays where it is
            return np.full((paths, horizon), history[-1])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sims = fitted[1].simulate(horizon, repetitions=paths, anchor="end", rng=rng)
        roots = np.asarray(sims, dtype=float).reshape(horizon, paths).T
        return np.asarray(np.maximum(roots, 0.0) ** 2, dtype=float)

    return model


def _smooth() -> Model:
    """The same model's forecast, give or take the errors it made lately: one past origin's
    errors at horizons 1..h are drawn together, so paths keep how errors follow each other.
    Beyond the horizons it has errors for, the spread stays that of the longest."""

    def model(history: Array, horizon: int, paths: int, rng: np.random.Generator) -> Array:
        fitted = _fit(history)
        if fitted is None:
            return np.full((paths, horizon), history[-1])
        y, fit = fitted
        states = np.asarray(fit.states, dtype=float)  # level and trend after each week
        n, reach = y.size, min(horizon, ERROR_WEEKS)
        steps = np.arange(1, horizon + 1)
        damped = np.cumsum(float(fit.damping_trend) ** steps)
        ahead = states[:, :1] + states[:, 1:2] * damped[None, :]  # from each week, 1..h on
        origins = np.arange(max(0, n - 1 - RECENT - reach), max(1, n - reach))
        target = origins[:, None] + np.minimum(steps, reach)[None, :]
        errors = y[np.minimum(target, n - 1)] - ahead[origins][:, np.minimum(steps, reach) - 1]
        drawn = errors[rng.integers(0, origins.size, size=paths)]
        return np.asarray(np.maximum(ahead[n - 1][None, :] + drawn, 0.0) ** 2, dtype=float)

    return model


BASELINES: dict[str, Model] = {
    "no-change": no_change,
    "moving-average": moving_average,
    "bootstrap-52": bootstrap,
}
FITTED: dict[str, Model] = {
    "ets": _ets(),
    "smoothed": _smooth(),
}
POOLED = ("ets", "smoothed", "moving-average")  # "pooled": a third of its paths from each
MODELS = (*BASELINES, *FITTED, "pooled")


def run(name: str, history: Array, horizon: int, paths: int, rng: np.random.Generator) -> Array:
    """Paths ``(paths, horizon)`` from model ``name`` (one of :data:`MODELS`)."""
    if name == "pooled":
        share = -(-paths // len(POOLED))
        return _pool({part: run(part, history, horizon, share, rng) for part in POOLED}, paths)
    return {**BASELINES, **FITTED}[name](history, horizon, paths, rng)


def run_all(history: Array, horizon: int, paths: int, rng: np.random.Generator) -> dict[str, Array]:
    """Paths from every model; "pooled" from the others' (each fitted once)."""
    made = {
        name: model(history, horizon, paths, rng) for name, model in {**BASELINES, **FITTED}.items()
    }
    return {**made, "pooled": _pool(made, paths)}


def _pool(made: dict[str, Array], paths: int) -> Array:
    share = -(-paths // len(POOLED))
    return np.concatenate([made[part][:share] for part in POOLED])[:paths]
