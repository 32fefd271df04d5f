"""Rich tables for forecasts, timelines, scenarios and backtests."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from hmc.cli.render import number
from hmc.forecast.backtest import SELECTED, Backtest
from hmc.forecast.methods import BASELINES, MODELS
from hmc.timeline.service import StoredRun

AHEAD = (4, 12, 52)  # weeks ahead shown by ``hmc forecast``
TARGET_RATIO = 0.9  # CRPS of "selected" against the best naive baseline


def _made(console: Console, run: StoredRun) -> None:
    state = "current" if run.current else "[red]stale[/] (evidence or framework changed since)"
    console.print(
        f"{escape(run.commission_id)} as of {run.as_of}: {run.paths:,} paths, computed"
        f" {run.computed_at:%Y-%m-%d %H:%M} UTC by {escape(run.computed_by)}; {state}",
        highlight=False,
    )


def forecast(console: Console, run: StoredRun) -> None:
    _made(console, run)
    table = Table("indicator", "area", "model", *(f"{w} weeks: P10–P50–P90" for w in AHEAD),
                  "note", title=f"Forecasts from the week of {run.result['start']}")  # fmt: skip
    for track in run.result["tracks"]:
        cells = []
        for w in AHEAD:
            values = [track[q][w - 1] for q in ("p10", "p50", "p90")]
            cells.append("–".join(number(v) for v in values))
        table.add_row(escape(track["indicator"]), escape(track["area"] or "nationwide"),
                      track["model"], *cells, escape(track["note"]))  # fmt: skip
    console.print(table)


def _date(value: str | None) -> str:
    return value or "[dim]beyond horizon[/]"


def timeline(console: Console, run: StoredRun) -> None:
    _made(console, run)
    rows = run.result["scenarios"][0]["timeline"]
    table = Table("phase", "area", "P10", "P50", "P90", "binding constraint",
                  title="When each phase can begin (gates as configured)")  # fmt: skip
    for row in rows:
        dates = (_date(row["p10"]), _date(row["p50"]), _date(row["p90"]))
        table.add_row(escape(row["phase"]), escape(row["area"]), *dates,
                      escape(row["binding"] or "–"))  # fmt: skip
    console.print(table)
    moved = Table("phase", "area", "indicator a step better", "P50 earlier by",
                  title="Sensitivity (measured 10 % better, rated one level higher)")  # fmt: skip
    for row in run.result["sensitivity"]:
        weeks = row["weeks_earlier"]
        shown = "[dim]beyond horizon[/]" if weeks is None else f"{weeks} weeks"
        moved.add_row(escape(row["phase"]), escape(row["area"]), escape(row["indicator"]), shown)
    console.print(moved)


def scenarios(console: Console, found: list[dict[str, Any]]) -> None:
    table = Table("scenario", "phase", "area", "rule", "P10", "P50", "P90",
                  "conditions not met on the date", "threat resurges within 26 weeks",
                  title="Scenarios side by side")  # fmt: skip
    for scenario in found:
        for row in scenario["timeline"]:
            if scenario["phase"] and row["phase"] != scenario["phase"]:
                continue
            table.add_row(escape(scenario["name"]), escape(row["phase"]), escape(row["area"]),
                          row["rule"], _date(row["p10"]), _date(row["p50"]), _date(row["p90"]),
                          _share(row["not_met_on_date"]), _share(row["resurgence"]))  # fmt: skip
    console.print(table)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def backtests(console: Console, found: list[Backtest]) -> None:
    for result in found:
        best = min(BASELINES, key=result.mean_crps)
        table = Table("model", "CRPS", "÷ best naive", "coverage 80 %", "bias",
                      title=f"{escape(result.series)}: {result.weeks} weeks,"
                      f" {result.origins} origins, horizons 1–12")  # fmt: skip
        for model in (*MODELS, SELECTED):
            crps = result.mean_crps(model)
            ratio = crps / result.mean_crps(best) if result.mean_crps(best) > 0 else float("nan")
            scores = [s for s in result.scores if s.model == model]
            coverage = float(np.mean([s.coverage80 for s in scores]))
            biases = [s.bias for s in scores if s.bias is not None]
            bias = f"{np.mean(biases):.2f}" if biases else "–"
            mark = "[green]" if model == SELECTED and ratio <= TARGET_RATIO else ""
            table.add_row(model, f"{crps:,.3f}", f"{mark}{ratio:.2f}", f"{coverage:.0%}", bias)
        console.print(table)
        chosen = ", ".join(f"{m} {n}" for m, n in sorted(result.chosen.items()))
        console.print(f"selected chose: {chosen}", highlight=False)
