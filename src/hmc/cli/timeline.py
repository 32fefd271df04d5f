"""Commands: forecast, timeline, scenario, backtest."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from hmc.actor import Actor
from hmc.cli import render_timeline as show
from hmc.cli.base import AsOfOption, CommissionOption, console, progress, t
from hmc.cli.weekly_csv import read_weekly
from hmc.errors import InvalidInput
from hmc.forecast.backtest import HORIZONS, MIN_HISTORY, Backtest, backtest
from hmc.forecast.methods import Array
from hmc.forecast.service import PATHS
from hmc.framework.service import framework, resolve_as_of
from hmc.indicators.service import series
from hmc.settings import get_settings
from hmc.storage import open_database, session_scope
from hmc.timeline import service

PathsOption = Annotated[
    int,
    typer.Option("--paths", min=100, max=100_000, help="Sample paths per indicator and area."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Write JSON to standard output.")]


def register(app: typer.Typer) -> None:
    for command in (forecast_, timeline, scenario, backtest_):
        app.command(command.__name__.rstrip("_"))(command)


def _run(commission_id: str, as_of: date | None, paths: int, fresh: bool) -> service.StoredRun:
    """The current stored run for ``as_of``, or a new one computed and stored now."""
    if not fresh:
        with session_scope(open_database(write=False)) as session:
            found = service.stored(session, commission_id=commission_id, as_of=as_of)
        if found is not None and found.current and found.paths == paths:
            return found
    # the audit chain is locked only once the run is made, not while forecasting
    with progress() as bar, session_scope(open_database(write=True)) as session:
        current = framework(session, commission_id=commission_id)
        tracks = sum(
            1 + (len(current.areas) if i.scope == "area" else 0) for i in current.indicators
        )
        task = bar.add_task(t("cli_forecasting"), total=tracks)
        return service.compute(
            session,
            commission_id=commission_id,
            as_of=as_of,
            actor=Actor.system("hmc forecast"),
            paths=paths,
            progress=lambda what: bar.update(task, advance=1, description=what),
        )


def forecast_(
    commission: CommissionOption = None, as_of: AsOfOption = None, paths: PathsOption = PATHS
) -> None:
    """Forecast every indicator (per area where counted per area) and store the timeline.

    Measured indicators get the model their own backtest picks; rated ones their last
    signed level and the configuration's milestones. Prints P10/P50/P90 4, 12 and 52 weeks
    ahead.
    """
    run = _run(commission or get_settings().default_commission, as_of, paths, fresh=True)
    show.forecast(console, run)


def timeline(
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
    paths: PathsOption = PATHS,
    as_json: JsonFlag = False,
) -> None:
    """When each phase can begin, per area: P10/P50/P90 dates and the binding constraint.

    Uses the stored run for that date when it is current, else computes and stores one.
    """
    run = _run(commission or get_settings().default_commission, as_of, paths, fresh=False)
    configured = run.result["scenarios"][0]["timeline"]
    if as_json:
        keys = ("phase", "area", "p10", "p50", "p90", "probability_by", "binding")
        typer.echo(json.dumps([{k: row[k] for k in keys} for row in configured], indent=1))
        return
    show.timeline(console, run)


def scenario(
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
    phase: Annotated[
        str | None, typer.Option(help="A custom scenario for this phase (with --by).")
    ] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(help="AREA:RULE, the rule one of conditions, date, gate (repeat per area)."),
    ] = None,
    on: Annotated[
        list[str] | None,
        typer.Option("--date", help="AREA:YYYY-MM-DD for areas decided by date."),
    ] = None,
    paths: PathsOption = PATHS,
    as_json: JsonFlag = False,
) -> None:
    """Scenarios side by side: as configured, conditions only, the configuration's own, and
    a custom one (``--phase transition --by federal-iraq:date --date federal-iraq:2025-09-30
    --by kurdistan-region:conditions``)."""
    commission_id = commission or get_settings().default_commission
    chosen = service.scenario_asked(phase or "", by or [], on or [], names=("--by", "--date"))
    if (phase is None) != (not chosen.rules):
        raise InvalidInput("a custom scenario needs both --phase and --by", field="--phase")
    run = _run(commission_id, as_of, paths, fresh=False)
    found = list(run.result["scenarios"])
    if phase is not None:
        with session_scope(open_database(write=False)) as session:
            custom = service.custom(
                session, commission_id=commission_id, as_of=as_of, scenario=chosen, paths=paths
            )
        found += custom["scenarios"]
    if as_json:
        typer.echo(json.dumps(found, indent=1))
        return
    show.scenarios(console, found)


def backtest_(
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
    series_file: Annotated[
        Path | None,
        typer.Option("--series", help="A weekly series of yours: a CSV with columns date,value."),
    ] = None,
    indicator: Annotated[str | None, typer.Option(help="Only this indicator.")] = None,
    paths: PathsOption = PATHS,
    as_json: JsonFlag = False,
) -> None:
    """Rolling-origin backtests at horizons 1–12 weeks: CRPS, 80 % coverage and bias of each
    model against the naive baselines, and of "selected", hmc's rule re-applied at each origin
    on what was known before it.

    Without --series: every measured indicator of the commission, nationwide and per area,
    from the evidence in the database.
    """
    if series_file is not None:
        found = [backtest(read_weekly(series_file), series=series_file.name, paths=paths)]
    else:
        found = _database_backtests(
            commission or get_settings().default_commission, as_of, indicator, paths
        )
    if as_json:
        typer.echo(json.dumps({"series": [_backtest_json(b) for b in found]}, indent=1))
        return
    show.backtests(console, found)


def _database_backtests(
    commission_id: str, as_of: date | None, only: str | None, paths: int
) -> list[Backtest]:
    with session_scope(open_database(write=False)) as session:
        current = framework(session, commission_id=commission_id)
        day = resolve_as_of(current.commission, as_of)
        chosen = [current.indicator(only)] if only else list(current.indicators)
        wanted = [
            (i, area)
            for i in chosen
            if i.kind == "measured"
            for area in (None, *(current.areas if i.scope == "area" else ()))
        ]
        values = {
            (i.key, a.key if a else "nationwide"): _known(
                series(session, indicator=i, area=a, period="week", as_of=day).values
            )
            for i, a in wanted
        }
    found = []
    with progress() as bar:
        task = bar.add_task(t("cli_backtests"), total=len(values))
        for (key, area), known in values.items():
            if known.size >= MIN_HISTORY + HORIZONS:
                found.append(backtest(known, series=f"{key} {area}", paths=paths))
            bar.advance(task)
    return found


def _known(values: list[float]) -> Array:
    return np.array([v for v in values if not math.isnan(v)], dtype=float)


def _backtest_json(result: Backtest) -> dict[str, Any]:
    models: dict[str, dict[str, dict[str, float | None]]] = {}
    for s in result.scores:
        models.setdefault(s.model, {})[str(s.horizon)] = {
            "crps": round(s.crps, 4),
            "coverage80": round(s.coverage80, 4),
            "bias": None if s.bias is None else round(s.bias, 4),
        }
    return {
        "series": result.series,
        "weeks": result.weeks,
        "origins": result.origins,
        "chosen": result.chosen,
        "models": models,
    }
