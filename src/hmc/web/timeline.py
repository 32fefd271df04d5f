"""The timeline page: the stored run (or that it is stale, or missing) with its charts, the
scenarios side by side, what holds each gate back, and a scenario of one's own.

A run is computed by the form at the top (a co-chair, member or analyst); a custom scenario
is projected on the fly by the API's own function and stored nowhere.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from hmc.deps import Database, DatabaseDep, Viewer, ViewerDep, read_day
from hmc.domain.days import typed_day
from hmc.errors import HmcError, InvalidInput
from hmc.forecast import PATHS
from hmc.framework.service import framework, list_commissions, resolve_as_of
from hmc.locale import scenario_text
from hmc.permissions import Permission, may, require
from hmc.report.charts import fan_chart, probability_chart
from hmc.storage import Session
from hmc.timeline.service import (
    FEWEST,
    MOST,
    StoredRun,
    Versions,
    compute,
    custom,
    scenario_asked,
    stored,
    versions,
)
from hmc.web import i18n
from hmc.web.forms import SHOWN_AGAIN, Lang, Problem, Short, whole, written
from hmc.web.render import commission_of, frame, member_names, page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Custom:
    """The custom scenario's form as typed, and what it gave (or why it gave nothing)."""

    phase: str
    by: dict[str, str]  # area → conditions, date or gate
    dates: dict[str, str]  # area → YYYY-MM-DD as typed
    result: dict[str, Any] | None = None
    problem: str = ""


def address(commission_id: str, as_of: date | None, lang: str) -> str:
    """The timeline page of ``commission_id`` for ``as_of``, in ``lang``.

    >>> address("hmc-iraq-2024", date(2024, 1, 27), "ar"), address("x y", None, "en")
    ('/commissions/hmc-iraq-2024/timeline?as_of=2024-01-27&lang=ar', '/commissions/x%20y/timeline')
    """
    params = {"as_of": as_of.isoformat() if as_of else "", "lang": lang}
    query = urlencode({k: v for k, v in params.items() if v and v != i18n.DEFAULT})
    path = f"/commissions/{quote(commission_id, safe='')}/timeline"
    return f"{path}?{query}" if query else path


def changed(run: StoredRun, now: Versions) -> list[str]:
    """What changed since ``run`` was computed: the keys of the labels that say so."""
    made = run.made_from
    return [
        key
        for key, before, after in (
            ("changed_framework", made.framework, now.framework),
            ("changed_evidence", made.data, now.data),
            ("changed_signatures", made.assessment, now.assessment),
        )
        if before != after
    ]


def comparison(scenarios: list[dict[str, Any]]) -> list[tuple[str, str, list[Any]]]:
    """Per (phase, area) of the first scenario: each scenario's row for it (None: none)."""
    found = [{(r["phase"], r["area"]): r for r in s["timeline"]} for s in scenarios]
    first = scenarios[0]["timeline"] if scenarios else []
    return [(r["phase"], r["area"], [f.get((r["phase"], r["area"])) for f in found]) for r in first]


def _custom(
    database: Database, commission_id: str, as_of: date | None, phase: str, asked: dict[str, str]
) -> Custom:
    """The custom scenario asked for in the page's query (``by-AREA``, ``date-AREA``)."""
    by = {k[3:]: v for k, v in asked.items() if k.startswith("by-") and v}
    dates = {k[5:]: v for k, v in asked.items() if k.startswith("date-")}
    try:
        with database.read() as session:
            scenario = scenario_asked(
                phase,
                [f"{a}:{r}" for a, r in by.items()],
                [f"{a}:{dates[a]}" for a, r in by.items() if r == "date" and dates.get(a)],
            )
            result = custom(session, commission_id=commission_id, as_of=as_of, scenario=scenario)
    except HmcError as exc:
        if exc.status not in (*SHOWN_AGAIN, 404):
            raise
        return Custom(phase, by, dates, problem=exc.message)
    return Custom(phase, by, dates, result["scenarios"][0])


def show(
    database: Database,
    viewer: Viewer,
    commission_id: str,
    as_of: date | None,
    lang: str | None,
    asked: dict[str, str] | None = None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The timeline page as stored for ``as_of``, with the custom scenario ``asked``, if any."""
    with database.read() as session:
        commissions = list_commissions(session)
        commission = commission_of(commissions, commission_id)
        current = framework(session, commission_id=commission_id)
        day = resolve_as_of(current.commission, as_of)
        run = stored(session, commission_id=commission_id, as_of=day)
        now = versions(session, current)
        names = member_names(session)
    base = frame(lang, as_of.isoformat() if as_of else None, commissions, viewer)
    phase = (asked or {}).get("phase", "")
    chosen = _custom(database, commission_id, as_of, phase, asked or {}) if phase else None
    result = run.result if run else {"scenarios": [], "tracks": [], "sensitivity": []}
    start = date.fromisoformat(result["start"]) if run else day
    lang = base["lang"]
    areas = {a.key: i18n.configured(a, "name", lang) for a in current.areas}
    scenarios = [
        {
            **s,
            "name": scenario_text(s, "name", lang, current.scenarios),
            "description": scenario_text(s, "description", lang, current.scenarios),
        }
        for s in result["scenarios"]
    ]
    thresholds = {i.key: i.threshold for i in current.indicators}
    configured = result["scenarios"][0]["timeline"] if result["scenarios"] else []
    return page(
        "timeline.html",
        problem.status if problem else (422 if chosen and chosen.problem else 200),
        base,
        current=commission_id,
        switch=address(commission_id, as_of, base["other_lang"]),
        commission=commission,
        framework=current,
        as_of=day,
        run=run,
        changed=changed(run, now) if run and not run.current else [],
        computed_by=names.get(run.computed_by, run.computed_by) if run else "",
        may_compute=may(viewer.actor, Permission.COMPUTE_TIMELINE, commission_id),
        problem=problem,
        paths=PATHS,
        fewest=FEWEST,
        most=MOST,
        phases={p.key: i18n.configured(p, "name", lang) for p in current.phases},
        areas=areas,
        indicators={i.key: i18n.configured(i, "name", lang) for i in current.indicators},
        fans=[
            (t, fan_chart(t, start, thresholds.get(t["indicator"]), lang)) for t in result["tracks"]
        ],
        curves=[
            (
                p.key,
                probability_chart([r for r in configured if r["phase"] == p.key], areas, lang),
            )
            for p in current.phases
            if any(r["phase"] == p.key for r in configured)
        ],
        scenarios=scenarios,
        compared=comparison(scenarios),
        configured=configured,
        sensitivity=result["sensitivity"],
        custom=chosen,
    )


@router.api_route(
    "/commissions/{commission_id}/timeline", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def timeline_page(
    commission_id: str,
    request: Request,
    database: DatabaseDep,
    viewer: ViewerDep,
    as_of: str | None = None,
    lang: str | None = None,
) -> HTMLResponse:
    """The stored timeline for the date, and a custom scenario when one is asked for."""
    text = (as_of or "").strip()
    day = read_day(text) if text else None
    asked = {k: v.strip() for k, v in request.query_params.items() if k != "as_of"}
    return show(database, viewer, commission_id, day, lang, asked)


@router.post("/commissions/{commission_id}/timeline", response_class=HTMLResponse)
def compute_form(
    commission_id: str,
    database: DatabaseDep,
    viewer: ViewerDep,
    as_of: Short = "",
    paths: Short = "",
    lang: Lang = None,
) -> Response:
    """Compute and store a run (a co-chair, member or analyst); back to the page."""
    require(viewer.actor, Permission.COMPUTE_TIMELINE, commission_id)

    def write(session: Session) -> date | None:
        day = typed_day(as_of.strip() or None, field="as_of")
        count = whole(paths, "paths") or PATHS
        if not FEWEST <= count <= MOST:
            raise InvalidInput(f"paths must be from {FEWEST} to {MOST}", field="paths")
        compute(session, commission_id=commission_id, as_of=day, actor=viewer.actor, paths=count)
        return day

    def again(exc: HmcError) -> HTMLResponse:
        day = None
        with suppress(HmcError):  # a date that is none: the page of the default date
            day = typed_day(as_of.strip() or None, field="as_of")
        return show(
            database, viewer, commission_id, day, lang, problem=Problem.of(exc, "not_computed")
        )

    return written(
        database,
        write,
        then=lambda day: address(commission_id, day, i18n.language(lang)),
        again=again,
    )
