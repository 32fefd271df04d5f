"""Rich tables for forecasts, timelines, scenarios and backtests."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hmc.cli.base import lang, t
from hmc.cli.base import number as written
from hmc.cli.render import number
from hmc.locale import scenario_text

if TYPE_CHECKING:  # the services load with the command that uses them
    from hmc.forecast.backtest import Backtest
    from hmc.timeline.service import StoredRun

AHEAD = (4, 12, 52)  # weeks ahead shown by ``hmc forecast``
TARGET_RATIO = 0.9  # CRPS of "selected" against the best naive baseline


def _made(console: Console, run: StoredRun) -> None:
    state = t("cli_run_current") if run.current else f"[red]{t('cli_run_stale')}[/]"
    made = t(
        "cli_run_made",
        commission=escape(run.commission_id),
        as_of=run.as_of,
        paths=written(run.paths),
        at=f"{run.computed_at:%Y-%m-%d %H:%M}",
        who=escape(run.computed_by),
    )
    console.print(f"{made}; {state}", highlight=False)


def forecast(console: Console, run: StoredRun) -> None:
    _made(console, run)
    table = Table(t("cli_indicator"), t("cli_area"), t("cli_model"),
                  *(t("cli_weeks_ahead", n=w) for w in AHEAD), t("cli_note"),
                  title=t("cli_forecasts_from", start=run.result["start"]))  # fmt: skip
    for track in run.result["tracks"]:
        cells = []
        for w in AHEAD:
            values = [track[q][w - 1] for q in ("p10", "p50", "p90")]
            cells.append("–".join(number(v) for v in values))
        table.add_row(escape(track["indicator"]), escape(track["area"] or t("cli_nationwide")),
                      track["model"], *cells, escape(track["note"]))  # fmt: skip
    console.print(table)


def _date(value: str | None) -> str:
    return value or f"[dim]{t('cli_beyond_horizon')}[/]"


def timeline(console: Console, run: StoredRun) -> None:
    _made(console, run)
    rows = run.result["scenarios"][0]["timeline"]
    table = Table(t("cli_phase"), t("cli_area"), "P10", "P50", "P90", t("cli_binding"),
                  title=t("cli_timeline_title"))  # fmt: skip
    for row in rows:
        dates = (_date(row["p10"]), _date(row["p50"]), _date(row["p90"]))
        table.add_row(escape(row["phase"]), escape(row["area"]), *dates,
                      escape(row["binding"] or "–"))  # fmt: skip
    console.print(table)
    moved = Table(t("cli_phase"), t("cli_area"), t("cli_step_better"), t("cli_earlier_by"),
                  title=t("cli_sensitivity_title"))  # fmt: skip
    for row in run.result["sensitivity"]:
        weeks = row["weeks_earlier"]
        shown = _date(None) if weeks is None else t("cli_weeks", n=weeks)
        moved.add_row(escape(row["phase"]), escape(row["area"]), escape(row["indicator"]), shown)
    console.print(moved)


def scenarios(console: Console, found: list[dict[str, Any]]) -> None:
    table = Table(t("cli_scenario"), t("cli_phase"), t("cli_area"), t("cli_rule"), "P10", "P50",
                  "P90", t("cli_not_met_on_date"), t("cli_resurges"),
                  title=t("scenarios_compared"))  # fmt: skip
    for scenario in found:
        for row in scenario["timeline"]:
            if scenario["phase"] and row["phase"] != scenario["phase"]:
                continue
            table.add_row(escape(scenario_text(scenario, "name", lang())), escape(row["phase"]),
                          escape(row["area"]), t(f"rule_{row['rule']}"), _date(row["p10"]),
                          _date(row["p50"]), _date(row["p90"]), _share(row["not_met_on_date"]),
                          _share(row["resurgence"]))  # fmt: skip
    console.print(table)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def backtests(console: Console, found: list[Backtest]) -> None:
    from hmc.forecast.backtest import SELECTED
    from hmc.forecast.methods import BASELINES, MODELS

    for result in found:
        best = min(BASELINES, key=result.mean_crps)
        table = Table(t("cli_model"), "CRPS", t("cli_best_naive"), t("cli_coverage"),
                      t("cli_bias"), title=t("cli_backtest_title", series=escape(result.series),
                      weeks=result.weeks, origins=result.origins))  # fmt: skip
        for model in (*MODELS, SELECTED):
            crps = result.mean_crps(model)
            ratio = crps / result.mean_crps(best) if result.mean_crps(best) > 0 else float("nan")
            scores = [s for s in result.scores if s.model == model]
            coverage = statistics.fmean(s.coverage80 for s in scores)
            biases = [s.bias for s in scores if s.bias is not None]
            bias = f"{statistics.fmean(biases):.2f}" if biases else "–"
            mark = "[green]" if model == SELECTED and ratio <= TARGET_RATIO else ""
            table.add_row(model, f"{crps:,.3f}", f"{mark}{ratio:.2f}", f"{coverage:.0%}", bias)
        console.print(table)
        chosen = ", ".join(f"{m} {n}" for m, n in sorted(result.chosen.items()))
        console.print(t("cli_selected_chose", chosen=chosen), highlight=False)
