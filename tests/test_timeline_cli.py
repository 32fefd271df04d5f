"""'hmc forecast', 'timeline', 'scenario' and 'backtest' as a user types them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from hmc.cli import app
from hmc.storage import session_scope
from hmc.timeline.models import ForecastRun

runner = CliRunner()
SERIES = Path(__file__).parent / "data" / "esoc_iraq_sigacts_national_weekly_2004_2009.csv"


def hmc(*args: str) -> Result:
    return runner.invoke(app, list(args))


def ok(*args: str) -> Result:
    result = hmc(*args)
    assert result.exit_code == 0, result.output
    return result


def runs(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ForecastRun)) or 0)


def test_timeline_json_gives_dates_probabilities_and_binding_per_phase_and_area(
    demo_copy: Engine,
) -> None:
    rows = json.loads(ok("timeline", "--json", "--paths", "200").stdout)
    assert {(r["phase"], r["area"]) for r in rows} == {
        (p, a)
        for p in ("transition", "bilateral-partnership")
        for a in ("federal-iraq", "kurdistan-region")
    }
    for row in rows:
        assert set(row) == {"phase", "area", "p10", "p50", "p90", "probability_by", "binding"}
        known = [date.fromisoformat(row[k]) for k in ("p10", "p50", "p90") if row[k]]
        assert known == sorted(known)
        chances = list(row["probability_by"].values())
        assert chances == sorted(chances) and chances[0] >= 0 and chances[-1] <= 1
    federal = next(r for r in rows if r["phase"] == "transition" and r["area"] == "federal-iraq")
    # "no later than 30 September 2025": every path is in transition by the week holding it
    assert federal["p90"] == "2025-10-05"
    assert federal["binding"] == "isf_intelligence"  # disputed in the exercise round


def test_a_stored_timeline_is_reused_until_evidence_changes(demo_copy: Engine) -> None:
    before = runs(demo_copy)
    ok("timeline", "--paths", "200")
    ok("timeline", "--paths", "200")
    assert runs(demo_copy) == before + 1
    shown = ok("forecast", "--paths", "200").stdout
    assert runs(demo_copy) == before + 2
    assert "isis_incidents" in shown and "current" in shown
    ok(
        "import",
        str(SERIES.parent / "ucdp_weekly_battle_deaths_handwritten.csv"),
        "-f",
        "ucdp-weekly",
    )
    ok("timeline", "--paths", "200")  # stale now: computed again
    assert runs(demo_copy) == before + 3


def test_scenarios_side_by_side_and_a_custom_one(demo_copy: Engine) -> None:
    found = json.loads(
        ok("scenario", "--json", "--paths", "200", "--phase", "transition",
           "--by", "federal-iraq:date", "--date", "federal-iraq:2024-12-31",
           "--by", "kurdistan-region:conditions").stdout
    )  # fmt: skip
    assert [s["id"] for s in found] == [
        "configured", "conditions", "fixed-date", "joint-statement", "custom",
    ]  # fmt: skip
    fixed = next(s for s in found if s["id"] == "fixed-date")
    for row in (r for r in fixed["timeline"] if r["phase"] == "transition"):
        assert row["rule"] == "date" and row["p50"] == "2025-10-05"
        assert 0 <= row["not_met_on_date"] <= 1 and row["resurgence"] is not None
    custom = {r["area"]: r for r in found[-1]["timeline"] if r["phase"] == "transition"}
    assert custom["federal-iraq"]["p50"] == "2025-01-05"
    assert custom["kurdistan-region"]["rule"] == "conditions"


def test_a_wrong_scenario_says_what_is_wrong(demo_copy: Engine) -> None:
    result = hmc("scenario", "--phase", "transition", "--by", "federal-iraq:soon")
    assert result.exit_code == 1
    assert '"soon" is not a rule (conditions, date or gate)' in result.stderr
    result = hmc("scenario", "--phase", "transition", "--by", "federal-iraq:date")
    assert result.exit_code == 1 and "decided by date: give its date" in result.stderr
    result = hmc("scenario", "--phase", "nowhere", "--by", "federal-iraq:conditions")
    assert result.exit_code == 1 and 'no phase "nowhere"' in result.stderr


def test_backtest_a_series_of_ones_own(tmp_path: Path) -> None:
    out = json.loads(ok("backtest", "--series", str(SERIES), "--json", "--paths", "200").stdout)
    (series,) = out["series"]
    assert series["weeks"] == 264 and series["origins"] > 20
    assert {"no-change", "moving-average", "bootstrap-52", "selected"} <= set(series["models"])
    for model in series["models"].values():
        assert sorted(model, key=int) == [str(h) for h in range(1, 13)]
        assert set(model["1"]) == {"crps", "coverage80", "bias"}
    table = ok("backtest", "--series", str(SERIES), "--paths", "200").stdout
    assert "selected chose:" in table and "÷ best naive" in table


def test_a_bad_series_file_names_the_row_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text("date,value\n2024-01-01,3\n2024-01-08,many\n")
    result = hmc("backtest", "--series", str(bad))
    assert result.exit_code == 1
    assert f'{bad}, row 3, field value: "many" is not a number' in result.stderr
    bad.write_text("day,count\n")
    assert (
        "needs the columns date,value (found: day, count)"
        in hmc("backtest", "--series", str(bad)).stderr
    )


def test_the_provincial_iraqi_control_replay(demo_copy: Engine) -> None:
    rows = json.loads(
        ok("timeline", "--commission", "pic-iraq-2006", "--as-of", "2006-06-30",
           "--json", "--paths", "200").stdout
    )  # fmt: skip
    by_area = {r["area"]: r for r in rows}
    assert len(by_area) == 18
    # nothing may transfer before 1 July 2006 (the first gate's date)
    assert all(r["p10"] is None or r["p10"] >= "2006-07-01" for r in rows)
    # quiet Muthanna is projected early; violent Anbar and Baghdad not within most paths
    assert by_area["muthanna"]["p50"] is not None and by_area["muthanna"]["p50"] < "2007-01-01"
    assert by_area["anbar"]["p50"] is None or by_area["anbar"]["p50"] > "2007-06-30"
