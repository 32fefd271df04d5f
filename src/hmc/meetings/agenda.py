"""What changed since the previous meeting: the items a meeting's agenda starts from.

Each finding names what it is about (``ref``, so that refreshing the agenda adds only what
is new) and the page that shows its evidence. The window is from the commission's previous
meeting (its day) to this meeting's day; the first meeting's starts with the commission,
where nothing was known: each gate whose state is known counts as changed, and an indicator
as crossing its threshold if it is on the other side of it than at the start of its trend.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.assessment.models import Round
from hmc.assessment.views import RELEASED, divergence
from hmc.evidence.models import Event, EventAccount
from hmc.framework.records import Framework
from hmc.locale import configured
from hmc.meetings.models import Action, Meeting
from hmc.news.models import NewsItem, NewsReport, PartyPosition
from hmc.settings import get_settings
from hmc.timeline.models import ForecastRun
from hmc.timeline.status import CommissionStatus, IndicatorStatus, status

Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])  # a query of any columns


@dataclass(frozen=True)
class Finding:
    kind: str
    ref: str
    subject: str
    url: str
    detail: dict[str, Any] = field(default_factory=dict)
    lang: str = "en"  # the language of ``subject``


def _dashboard(commission_id: str, day: date) -> str:
    return f"/commissions/{quote(commission_id, safe='')}?as_of={day.isoformat()}"


def _place(name: str, area: str | None) -> str:
    return f"{name} · {area}" if area else name


def title(detail: dict[str, Any], current: Framework, lang: str) -> str | None:
    """A found item's title in ``lang``: the configured names of the phase or indicator and
    the area its ``detail`` names (None: it names neither, or ``current`` no longer has them)."""
    named: dict[tuple[str, str], object] = {("phase", p.key): p for p in current.phases}
    named |= {("indicator", i.key): i for i in current.indicators}
    what = next((named.get((k, detail[k])) for k in ("phase", "indicator") if k in detail), None)
    area = next((a for a in current.areas if a.key == detail.get("area")), None)
    if what is None or (detail.get("area") and area is None):
        return None
    return _place(configured(what, "name", lang), configured(area, "name", lang) if area else None)


def divergences(
    session: Session, actor: Actor, commission_id: str, since: date | None, day: date
) -> list[Finding]:
    """Items flagged for divergence in the latest round released by ``day``."""
    query = select(Round.id).where(
        Round.commission_id == commission_id, Round.state.in_(RELEASED), Round.as_of <= day
    )
    if since is not None:
        query = query.where(Round.as_of > since)
    latest = session.scalar(query.order_by(Round.as_of.desc(), Round.id.desc()).limit(1))
    if latest is None:
        return []
    found = divergence(session, viewer=actor, round_id=latest)
    return [
        Finding(
            "divergence",
            f"round:{latest}/item:{i.id}",
            _place(i.indicator.name, i.area.name if i.area else None),
            f"/rounds/{latest}/divergence",
            {
                "indicator": i.indicator.key,
                "area": i.area.key if i.area else None,
                "round": latest,
                "round_name": found.round.name,
                "levels": {p: r.level for p, r in i.ratings.items()},
                "gap": i.gap,
            },
        )
        for i in found.flagged
    ]


def gates(now: CommissionStatus, before: CommissionStatus | None) -> list[Finding]:
    """Gates whose state (held, not held, unknown) changed."""
    was = {(g.phase_key, g.gate.area.key): g.held for g in before.gates} if before else {}
    found = []
    for g in now.gates:
        earlier = was.get((g.phase_key, g.gate.area.key))
        if g.held == earlier:
            continue
        found.append(
            Finding(
                "gate",
                f"gate:{g.phase_key}/{g.gate.area.key}:{g.held}",
                _place(g.phase_name, g.gate.area.name),
                _dashboard(now.commission.id, now.as_of),
                {
                    "phase": g.phase_key,
                    "area": g.gate.area.key,
                    "before": earlier,
                    "after": g.held,
                    "reason": g.reason,
                },
            )
        )
    return found


def _met(s: IndicatorStatus, value: float | None) -> bool | None:
    threshold = s.indicator.threshold
    if value is None or threshold is None:
        return None
    return value <= threshold if s.indicator.better == "lower" else value >= threshold


def indicators(now: CommissionStatus, before: CommissionStatus | None) -> list[Finding]:
    """Indicators on the other side of their threshold than at the window's start."""
    was = {(s.indicator.key, s.area): s.met for s in before.indicators} if before else {}
    found = []
    for s in now.indicators:
        start = s.trend[0][1] if s.trend else None
        earlier = was.get((s.indicator.key, s.area)) if before else _met(s, start)
        if s.met is None or earlier is None or s.met == earlier:
            continue
        area = s.area.key if s.area else ""
        found.append(
            Finding(
                "indicator",
                f"indicator:{s.indicator.key}/{area}:{s.met}",
                _place(s.indicator.name, s.area.name if s.area else None),
                _dashboard(now.commission.id, now.as_of),
                {
                    "indicator": s.indicator.key,
                    "area": s.area.key if s.area else None,
                    "value": s.value,
                    "threshold": s.indicator.threshold,
                    "met": s.met,
                },
            )
        )
    return found


def _p50s(run: ForecastRun) -> dict[tuple[str, str], str | None]:
    for scenario in run.result.get("scenarios", []):
        if scenario.get("id") == "configured":
            return {(t["phase"], t["area"]): t["p50"] for t in scenario["timeline"]}
    return {}


def forecasts(session: Session, commission_id: str, since: date | None, day: date) -> list[Finding]:
    """Gates whose projected P50 date moved more than HMC_AGENDA_P50_WEEKS weeks."""
    runs = session.scalars(
        select(ForecastRun)
        .where(ForecastRun.commission_id == commission_id, ForecastRun.as_of <= day)
        .order_by(ForecastRun.as_of, ForecastRun.id)
    ).all()
    earlier = [r for r in runs[:-1] if since is None or r.as_of <= since]
    if not earlier:
        return []
    before, now = earlier[-1] if since is not None else earlier[0], runs[-1]
    limit = get_settings().agenda_p50_weeks
    was, found = _p50s(before), []
    for (phase, area), p50 in _p50s(now).items():
        old = was.get((phase, area), p50)
        moved = _weeks(old, p50)
        if old == p50 or (moved is not None and abs(moved) <= limit):
            continue
        found.append(
            Finding(
                "forecast",
                f"forecast:{now.id}/{phase}/{area}",
                f"{phase} · {area}",
                f"/commissions/{quote(commission_id, safe='')}/timeline?as_of={now.as_of}",
                {
                    "phase": phase,
                    "area": area,
                    "before": old,
                    "after": p50,
                    "weeks": moved,
                    "run": now.id,
                    "was_run": before.id,
                },
            )
        )
    return found


def _weeks(before: str | None, after: str | None) -> float | None:
    """Weeks from ``before`` to ``after`` (None: one of them is beyond the horizon).

    >>> _weeks("2025-01-05", "2025-03-02"), _weeks(None, "2025-01-05")
    (8.0, None)
    """
    if before is None or after is None:
        return None
    return (date.fromisoformat(after) - date.fromisoformat(before)).days / 7


def disputed_events(
    session: Session, commission_id: str, since: date | None, day: date
) -> list[Finding]:
    """Events in the window whose parties' accounts differ in category or deaths."""
    query = (
        select(EventAccount, Event)
        .join(Event, Event.id == EventAccount.event_id)
        .where(EventAccount.commission_id == commission_id, Event.occurred_on <= day)
    )
    if since is not None:
        query = query.where(Event.occurred_on > since)
    accounts: dict[int, list[EventAccount]] = defaultdict(list)
    events: dict[int, Event] = {}
    for account, event in session.execute(query):
        accounts[event.id].append(account)
        events[event.id] = event
    found = []
    for ident, given in sorted(accounts.items()):
        if len(given) < 2 or len({(a.category, a.deaths) for a in given}) == 1:
            continue
        event = events[ident]
        found.append(
            Finding(
                "event",
                f"event:{ident}",
                _place(event.occurred_on.isoformat(), event.location or event.governorate),
                f"/events/{ident}",
                {a.party: {"category": a.category, "deaths": a.deaths} for a in given},
            )
        )
    return found


def _within(query: Q, column: Any, since: date | None, day: date) -> Q:
    """``query`` of the rows whose ``column`` is in the window: after ``since``, by ``day``."""
    query = query.where(column <= day)
    return query if since is None else query.where(column > since)


def _review(commission_id: str) -> str:
    return f"/commissions/{quote(commission_id, safe='')}/review"


def positions(session: Session, commission_id: str, since: date | None, day: date) -> list[Finding]:
    """The parties' positions recorded from news, said in the window."""
    query = (
        select(PartyPosition, NewsReport.language)
        .join(NewsReport, NewsReport.id == PartyPosition.report_id)
        .where(PartyPosition.commission_id == commission_id)
        .order_by(PartyPosition.said_on, PartyPosition.id)
    )
    return [
        Finding(
            "position",
            f"position:{p.id}",
            p.quotation[:200],
            f"{_review(commission_id)}/{p.report_id}#item-{p.item_id}",
            {
                "party": p.party,
                "topic": p.topic,
                "said_on": p.said_on.isoformat(),
                "actor": p.actor,
            },
            language,
        )
        for p, language in session.execute(_within(query, PartyPosition.said_on, since, day))
    ]


def under_review(
    session: Session, commission_id: str, since: date | None, day: date
) -> list[Finding]:
    """The news reports of the window with items still awaiting review, one each."""
    query = (
        select(NewsReport, NewsItem)
        .join(NewsItem, NewsItem.report_id == NewsReport.id)
        .where(NewsItem.state == "proposed")
        .order_by(NewsReport.published, NewsReport.id, NewsItem.span_start)
    )
    waiting: dict[int, tuple[NewsReport, list[NewsItem]]] = {}
    for report, item in session.execute(_within(query, NewsReport.published, since, day)):
        waiting.setdefault(report.id, (report, []))[1].append(item)
    return [
        Finding(
            "review",
            f"news_report:{report.id}",
            report.text[items[0].span_start : items[0].span_end][:200],
            f"{_review(commission_id)}/{report.id}",
            {
                "items": len(items),
                "outlet": report.outlet,
                "published": report.published.isoformat(),
            },
            report.language,
        )
        for report, items in waiting.values()
    ]


def overdue(session: Session, meeting: Meeting) -> list[Finding]:
    """Open actions of the commission's other meetings due before this one."""
    query = (
        select(Action)
        .join(Meeting, Meeting.id == Action.meeting_id)
        .where(
            Meeting.commission_id == meeting.commission_id,
            Action.meeting_id != meeting.id,
            Action.state == "open",
            Action.due < meeting.day,
        )
        .order_by(Action.due, Action.id)
    )
    return [
        Finding(
            "action",
            f"action:{a.id}",
            a.text[:200],
            f"/meetings/{a.meeting_id}#action-{a.id}",
            {"due": a.due.isoformat(), "owner_party": a.owner_party},
            a.lang,
        )
        for a in session.scalars(query)
    ]


def findings(
    session: Session, *, actor: Actor, meeting: Meeting, since: date | None
) -> list[Finding]:
    """Everything that changed from ``since`` (None: the start) to the meeting's day."""
    cid, day = meeting.commission_id, meeting.day
    now = status(session, commission_id=cid, as_of=day)
    before = status(session, commission_id=cid, as_of=since) if since else None
    return [
        *divergences(session, actor, cid, since, day),
        *gates(now, before),
        *indicators(now, before),
        *forecasts(session, cid, since, day),
        *disputed_events(session, cid, since, day),
        *positions(session, cid, since, day),
        *under_review(session, cid, since, day),
        *overdue(session, meeting),
    ]
