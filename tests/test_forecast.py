"""Forecast models, backtests and the projected timeline, on real series and small cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hmc.cli.weekly_csv import read_weekly
from hmc.domain.gates import parse_gate
from hmc.forecast.backtest import FALLBACK, MIN_HISTORY, SELECTED, backtest, choose
from hmc.forecast.methods import MODELS, run
from hmc.forecast.rated import rated_paths
from hmc.forecast.service import Forecast, Track
from hmc.framework.records import (
    AreaInfo,
    CommissionInfo,
    FactorInfo,
    Framework,
    GateInfo,
    IndicatorInfo,
    MilestoneInfo,
    PhaseInfo,
)
from hmc.timeline.projection import NEVER, starts, timeline

DATA = Path(__file__).parent / "data"
SIGACTS = read_weekly(DATA / "esoc_iraq_sigacts_national_weekly_2004_2009.csv")


@pytest.mark.parametrize("model", MODELS)
def test_every_model_gives_paths_of_counts(model: str) -> None:
    paths = run(model, SIGACTS[:150], 12, 1000, np.random.default_rng(0))
    assert paths.shape == (1000, 12)
    assert np.isfinite(paths).all() and (paths >= 0).all()
    assert paths.std(axis=0).min() > 0  # uncertainty, not a point forecast


def test_a_backtest_scores_every_model_and_selected_at_every_horizon() -> None:
    result = backtest(SIGACTS, series="sigacts", paths=300, step=8)
    for model in (*MODELS, SELECTED):
        for horizon in range(1, 13):
            score = result.score(model, horizon)
            assert score.crps > 0 and 0 <= score.coverage80 <= 1
            assert score.bias is not None and 0.5 < score.bias < 2
    assert sum(result.chosen.values()) == result.origins
    # no-change is exact one week ahead far more often than twelve weeks ahead
    assert result.score("no-change", 1).crps < result.score("no-change", 12).crps


def test_the_rule_only_trusts_what_was_known_before_the_origin() -> None:
    result = backtest(SIGACTS[: MIN_HISTORY + 20], paths=100, step=4)
    # at the first origins no forecast has an outcome yet: the rule falls back
    assert result.chosen.get(FALLBACK, 0) >= 1
    records = {"a": _record([10, 11], [1.0, 1.0]), "b": _record([10, 30], [0.5, 0.5])}
    assert choose(records, origin=12) == FALLBACK  # too few scored
    b = _record([5] * 8 + [40] * 4, [1.2] * 8 + [0.0] * 4)  # its good scores come later
    assert choose({"a": _record([5] * 10, [1.0] * 10), "b": b}, origin=20) == "a"
    assert choose({"a": _record([5] * 10, [1.0] * 10), "b": b}, origin=41) == "b"


def _record(targets: list[int], crps: list[float]) -> object:
    from hmc.forecast.backtest import _Record

    n = len(targets)
    return _Record([0] * n, targets, crps, [True] * n, [1.0] * n, [1.0] * n)


def test_a_milestone_raises_the_level_on_its_date_or_later_never_earlier() -> None:
    start = date(2025, 1, 5)
    weeks = [start + timedelta(weeks=w) for w in range(60)]
    milestone = MilestoneInfo("x", None, 4, date(2025, 6, 1), 0.5, 10, "")
    levels = rated_paths(2.0, [milestone], weeks, 2000, np.random.default_rng(1))
    reached = np.array([weeks[int(np.argmax(row >= 4))] for row in levels])
    assert (reached >= date(2025, 6, 1)).all()
    assert 0.4 < (reached > date(2025, 6, 7)).mean() < 0.6  # half the paths slip
    assert (reached <= date(2025, 6, 1) + timedelta(weeks=11)).all()
    unknown = rated_paths(np.nan, [], weeks, 10, np.random.default_rng(1))
    assert np.isnan(unknown).all()  # no rating and no plan: never invented


def test_gates_on_paths_agree_with_gates_on_one_series_path_by_path() -> None:
    gate = parse_gate("sustained(mean(a, 4w) <= 5, 3w) and (b >= 3 or not c > 1)")
    rng = np.random.default_rng(2)
    a, b, c = (rng.integers(0, 9, size=(50, 30)).astype(float) for _ in range(3))
    b[rng.random(b.shape) < 0.1] = np.nan
    together = gate.evaluate({"a": a, "b": b, "c": c})
    for p in range(50):
        alone = gate.evaluate({"a": a[p], "b": b[p], "c": c[p]})
        np.testing.assert_array_equal(together[p], alone)
    assert gate.lookback() == 6


# --- the timeline on a small commission whose paths are written out ---------------------
WEEKS = 20
START = date(2030, 1, 7)
AREA = AreaInfo("north", "North", ("ninewa",))
THREAT = FactorInfo("threat", "Threat", "")


def _indicator(key: str, kind: str = "measured") -> IndicatorInfo:
    return IndicatorInfo(key, key, THREAT, kind, "national", "", "lower", 5.0, "", {}, None, 1)


def _forecast(attacks: np.ndarray, gate: str, *, min_weeks: int = 0, **dates: date) -> Forecast:
    info = CommissionInfo("test", "Test", "", "iraq", None, (), 1, START)  # type: ignore[arg-type]
    phases = (
        PhaseInfo("first", "First", "", None, min_weeks, ()),
        PhaseInfo("second", "Second", "", "first", 2,
                  (GateInfo("second", AREA, gate, dates.get("not_before"),
                            dates.get("no_later_than")),)),
        PhaseInfo("third", "Third", "", "second", 0,
                  (GateInfo("third", AREA, "attacks <= 100", None, None),)),
    )  # fmt: skip
    current = Framework(info, (THREAT,), (), (_indicator("attacks"),), (AREA,), phases)
    track = Track(_indicator("attacks"), None, np.zeros(1), attacks, "test")
    return Forecast(current, START, START, WEEKS, attacks.shape[0], 1, {("attacks", None): track})


def test_a_phase_begins_when_its_gate_holds_after_the_one_before_and_its_minimum() -> None:
    attacks = np.full((4, WEEKS), 9.0)
    attacks[0, 3:] = 1  # holds from week 3
    attacks[1, 8:] = 1  # from week 8
    attacks[2, 0:] = 1  # from the start, but the first phase lasts 5 weeks at least
    begun = starts(_forecast(attacks, "attacks <= 5", min_weeks=5))
    assert begun[("second", "north")].tolist() == [5, 8, 5, NEVER]
    # the third phase follows the second by its minimum of two weeks
    assert begun[("third", "north")].tolist() == [7, 10, 7, NEVER]


def test_percentiles_probability_and_binding_constraint() -> None:
    attacks = np.full((10, WEEKS), 9.0)
    for path in range(8):
        attacks[path, path + 1 :] = 1.0  # path p holds from week p+1; two paths never
    found = {(t.phase, t.area): t for t in timeline(_forecast(attacks, "attacks <= 5"))}
    second = found[("second", "north")]
    ends = [START + timedelta(weeks=w, days=6) for w in range(WEEKS)]
    assert (second.p10, second.p50, second.p90) == (ends[1], ends[5], None)
    assert dict(second.probability_by)[ends[5]] == 0.5
    assert second.binding == "attacks"


def test_dates_in_a_gate_and_a_fixed_date_rule() -> None:
    attacks = np.full((3, WEEKS), 9.0)
    late = date(2030, 3, 1)
    made = _forecast(attacks, "attacks <= 5", no_later_than=late)
    assert set(starts(made)[("second", "north")].tolist()) == {7}  # the week holding 1 March
    on = starts(made, {("second", "north"): date(2030, 2, 1)})
    assert set(on[("second", "north")].tolist()) == {3}
    rows = {t.phase: t for t in timeline(made, {("second", "north"): date(2030, 2, 1)})}
    assert rows["second"].rule == "date" and rows["second"].not_met_on_date == 1.0
    # conditions alone ignore the date: never, since attacks stay at 9
    alone = starts(made, {("second", "north"): "conditions"})
    assert set(alone[("second", "north")].tolist()) == {NEVER}
    assert replace(rows["second"], binding=None).binding is None
