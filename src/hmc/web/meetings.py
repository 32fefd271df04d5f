"""Pages of working meetings: the list with its calendar, one meeting with the forms its
viewer may use (attendees, agenda, minutes, decisions, actions).

A refused form comes back as it was typed (see :mod:`hmc.web.forms`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hmc.accounts import list_members
from hmc.deps import Database, DatabaseDep, Viewer, ViewerDep
from hmc.domain.days import typed_day
from hmc.errors import InvalidInput
from hmc.framework.service import framework, list_commissions
from hmc.meetings import decisions, service
from hmc.meetings.calendar import ics
from hmc.meetings.records import MeetingInfo, MeetingView
from hmc.meetings.views import calendar_rows, list_meetings, meeting_view
from hmc.permissions import Grants, Permission
from hmc.settings import get_settings
from hmc.storage import Session
from hmc.web.forms import Id, Lang, Problem, Short, Text, evidence_links, whole, written
from hmc.web.render import commission_of, frame, here, member_names, page

router = APIRouter(include_in_schema=False)
Many = Annotated[list[str], Form(max_length=100)]


def _day(text: str, name: str) -> date | None:
    return typed_day(text.strip() or None, field=name)


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f'start: "{text[:20]}" is not a time (HH:MM)', field="start") from None


def dir_of(lang: str) -> str:
    """The direction of text written in ``lang``."""
    return "rtl" if lang == "ar" else "ltr"


def show_meetings(
    database: Database,
    viewer: Viewer,
    commission_id: str,
    lang: str | None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The commission's meetings, its calendar, and the form to schedule one."""
    with database.read() as session:
        commissions = list_commissions(session)
        commission = commission_of(commissions, commission_id)
        meetings = list_meetings(session, viewer=viewer.actor, commission_id=commission_id)
    base = frame(lang, None, commissions, viewer)
    typed = problem.typed if problem else {}
    defaults = {
        "title": "",
        "day": date.today().isoformat(),
        "start": "10:00",
        "place": "",
        "format": "in_person",
        "duration": "120",
        "timezone": "UTC",
    }
    return page(
        "meetings.html",
        problem.status if problem else 200,
        base,
        current=commission_id,
        switch=here(f"/commissions/{commission_id}/meetings", base["other_lang"]),
        commission=commission,
        meetings=meetings,
        may_schedule=Grants(viewer.actor, commission_id).may(Permission.SCHEDULE_MEETING),
        problem=problem,
        typed={**defaults, **typed},
        dir_of=dir_of,
    )


def show_meeting(
    database: Database,
    viewer: Viewer,
    meeting_id: int,
    lang: str | None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The meeting page as ``viewer`` may see it, with ``problem`` said where it happened."""
    with database.read() as session:
        view = meeting_view(session, viewer=viewer.actor, meeting_id=meeting_id)
        cid = view.meeting.commission_id
        commissions = list_commissions(session)
        current = framework(session, commission_id=cid)
        members = list_members(session, commission_id=cid)
        names = member_names(session)
    base = frame(lang, None, commissions, viewer)
    commission = commission_of(commissions, cid)
    party = view.viewer_party
    grants = Grants(viewer.actor, cid)
    return page(
        "meeting.html",
        problem.status if problem else 200,
        base,
        current=cid,
        switch=here(f"/meetings/{meeting_id}", base["other_lang"]),
        commission=commission,
        parties={p.key: p.name for p in commission.parties},
        view=view,
        grants=grants,
        own_members=[m for m in members if m.party == party and m.active],
        members=[m for m in members if m.active],
        attending={a.username for a in view.attendees},
        phases=current.phases,
        areas=current.areas,
        problem=problem,
        typed=problem.typed if problem else {},
        who=names,
        dir_of=dir_of,
        approvable=_approvable(view, party) if grants.may(Permission.APPROVE_DECISION) else set(),
    )


def _approvable(view: MeetingView, party: str | None) -> set[int]:
    """The decisions the viewer's party has not approved yet."""
    return {
        d.id
        for d in view.decisions
        if d.state == "proposed" and party not in {a.party for a in d.approvals}
    }


def _act(
    database: Database,
    viewer: Viewer,
    meeting_id: int,
    lang: str | None,
    lead: str,
    anchor: str,
    typed: dict[str, str],
    change: Callable[[Session], Any],
) -> Response:
    """``change`` the meeting; back to ``anchor`` on its page, or the page again saying why not."""
    return written(
        database,
        change,
        then=lambda _: here(f"/meetings/{meeting_id}", lang, anchor),
        again=lambda exc: show_meeting(
            database,
            viewer,
            meeting_id,
            lang,
            Problem.of(exc, lead, None, {**typed, "form": anchor}),
        ),
    )


@router.api_route("/meetings", methods=["GET", "HEAD"])
def meetings_home(viewer: ViewerDep, lang: str | None = None) -> RedirectResponse:
    """On to the meetings of the member's commission (an administrator's: the default one)."""
    commission_id = viewer.member.commission_id or get_settings().default_commission
    return RedirectResponse(here(f"/commissions/{commission_id}/meetings", lang), 303)


@router.api_route(
    "/commissions/{commission_id}/meetings", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def meetings_page(
    commission_id: str, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """The commission's meetings, newest first."""
    return show_meetings(database, viewer, commission_id, lang)


@router.api_route("/commissions/{commission_id}/meetings.ics", methods=["GET", "HEAD"])
def calendar_file(
    commission_id: str, request: Request, database: DatabaseDep, viewer: ViewerDep
) -> Response:
    """The commission's meetings and open actions' due dates, as an iCalendar file."""
    with database.read() as session:
        commission = commission_of(list_commissions(session), commission_id)
        rows = calendar_rows(session, viewer=viewer.actor, commission_id=commission_id)
    body = ics(commission_id, commission.name, *rows, site=str(request.base_url).rstrip("/"))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{commission_id}-meetings.ics"'},
    )


@router.post("/commissions/{commission_id}/meetings", response_class=HTMLResponse)
def schedule_form(
    commission_id: str,
    database: DatabaseDep,
    viewer: ViewerDep,
    title: Short = "",
    day: Short = "",
    start: Short = "",
    place: Short = "",
    format: Short = "",
    duration: Short = "",
    timezone: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair schedules a meeting; on to it."""
    typed = {
        "title": title,
        "day": day,
        "start": start,
        "place": place,
        "format": format,
        "duration": duration,
        "timezone": timezone,
    }

    def write(session: Session) -> MeetingInfo:
        when = _day(day, "day")
        if when is None:
            raise InvalidInput("day: give the meeting's day", field="day")
        minutes = whole(duration, "duration")
        return service.schedule(
            session,
            actor=viewer.actor,
            commission_id=commission_id,
            title=title,
            day=when,
            start=_time(start),
            place=place,
            format=format,
            duration=120 if minutes is None else minutes,
            timezone=timezone,
        )

    return written(
        database,
        write,
        then=lambda made: here(f"/meetings/{made.id}", lang),
        again=lambda exc: show_meetings(
            database, viewer, commission_id, lang, Problem.of(exc, "not_scheduled", typed=typed)
        ),
    )


@router.api_route("/meetings/{meeting_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def meeting_page(
    meeting_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """A meeting: attendees, agenda and minutes, decisions, actions, and the viewer's forms."""
    return show_meeting(database, viewer, meeting_id, lang)


@router.post("/meetings/{meeting_id}/attendees", response_class=HTMLResponse)
def attendees_form(
    meeting_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    attendee: Many = [],  # noqa: B006
    lang: Lang = None,
) -> Response:
    """A co-chair names the party's attendees."""
    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_saved",
        "attendees",
        {},
        lambda s: service.name_attendees(
            s, actor=viewer.actor, meeting_id=meeting_id, usernames=attendee
        ),
    )


@router.post("/meetings/{meeting_id}/agenda", response_class=HTMLResponse)
def add_item_form(
    meeting_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    subject: Text = "",
    url: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair adds an item to the agenda."""
    typed = {"subject": subject, "url": url}
    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_saved",
        "agenda",
        typed,
        lambda s: service.add_item(
            s, actor=viewer.actor, meeting_id=meeting_id, subject=subject, url=url
        ),
    )


@router.post("/meetings/{meeting_id}/agenda/refresh", response_class=HTMLResponse)
def refresh_form(
    meeting_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: Lang = None
) -> Response:
    """A co-chair adds to the agenda what changed and is not on it yet."""
    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_saved",
        "agenda",
        {},
        lambda s: service.refresh_agenda(s, actor=viewer.actor, meeting_id=meeting_id),
    )


@router.post("/meetings/{meeting_id}/agenda/{item_id}", response_class=HTMLResponse)
def arrange_form(
    meeting_id: Id,
    item_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    do: Short = "",
    position: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair moves an item up or down, drops it or takes it back."""

    def change(session: Session) -> None:
        at = whole(position, "position")
        moves = {
            "up": (max(0, (at or 0) - 1), None),
            "down": ((at or 0) + 1, None),
            "drop": (None, True),
            "restore": (None, False),
        }
        if do not in moves:
            raise InvalidInput("choose up, down, drop or restore", field="do")
        to, dropped = moves[do]
        service.arrange_item(
            session,
            actor=viewer.actor,
            meeting_id=meeting_id,
            item_id=item_id,
            position=to,
            dropped=dropped,
        )

    return _act(database, viewer, meeting_id, lang, "not_saved", "agenda", {}, change)


@router.post("/meetings/{meeting_id}/agenda/{item_id}/minutes", response_class=HTMLResponse)
def minutes_form(
    meeting_id: Id,
    item_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    text: Text = "",
    version: Short = "",
    share: Short = "",
    lang: Lang = None,
) -> Response:
    """Save the party's draft minutes of an item, or (its co-chair) share them."""

    def change(session: Session) -> None:
        if share:
            service.share_minutes(
                session, actor=viewer.actor, meeting_id=meeting_id, item_id=item_id
            )
            return
        service.save_minutes(
            session,
            actor=viewer.actor,
            meeting_id=meeting_id,
            item_id=item_id,
            text=text,
            version=whole(version, "version"),
        )

    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_saved",
        f"item-{item_id}",
        {"text": text, "item": str(item_id)},
        change,
    )


@router.post("/meetings/{meeting_id}/decisions", response_class=HTMLResponse)
def propose_form(
    meeting_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    text: Text = "",
    phase: Short = "",
    area: Short = "",
    binds_on: Short = "",
    when: Text = "",
    not_before: Short = "",
    no_later_than: Short = "",
    item: Short = "",
    amends: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair proposes a decision (or an amendment of a standing one)."""
    typed = {
        "text": text,
        "phase": phase,
        "area": area,
        "binds_on": binds_on,
        "when": when,
        "not_before": not_before,
        "no_later_than": no_later_than,
    }
    given = {"when": when, "not_before": not_before, "no_later_than": no_later_than}
    change = {k: v for k, v in given.items() if v.strip()}
    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_proposed",
        "decisions",
        typed,
        lambda s: decisions.propose(
            s,
            actor=viewer.actor,
            meeting_id=meeting_id,
            text=text,
            phase=phase or None,
            area=area or None,
            binds_on=_day(binds_on, "binds_on"),
            change=change,
            item_id=whole(item, "item"),
            amends=whole(amends, "amends"),
        ),
    )


@router.post("/meetings/{meeting_id}/decisions/{decision_id}/approve", response_class=HTMLResponse)
def approve_form(
    meeting_id: Id,
    decision_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    version: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair approves the version of a decision shown on the page."""
    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_approved",
        f"decision-{decision_id}",
        {},
        lambda s: decisions.approve(
            s,
            actor=viewer.actor,
            meeting_id=meeting_id,
            decision_id=decision_id,
            version=whole(version, "version") or 0,
        ),
    )


@router.post("/meetings/{meeting_id}/actions", response_class=HTMLResponse)
def action_form(
    meeting_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    text: Text = "",
    owner: Short = "",
    due: Short = "",
    item: Short = "",
    evidence: Text = "",
    lang: Lang = None,
) -> Response:
    """A co-chair records an action."""
    typed = {"text": text, "owner": owner, "due": due, "evidence": evidence}

    def change(session: Session) -> None:
        when = _day(due, "due")
        if when is None:
            raise InvalidInput("due: give the day it is due", field="due")
        service.add_action(
            session,
            actor=viewer.actor,
            meeting_id=meeting_id,
            text=text,
            owner=owner,
            due=when,
            item_id=whole(item, "item"),
            evidence=evidence_links(evidence),
        )

    return _act(database, viewer, meeting_id, lang, "not_saved", "actions", typed, change)


@router.post("/meetings/{meeting_id}/actions/{action_id}", response_class=HTMLResponse)
def action_state_form(
    meeting_id: Id,
    action_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    state: Short = "",
    lang: Lang = None,
) -> Response:
    """Mark an action open, done or dropped."""
    return _act(
        database,
        viewer,
        meeting_id,
        lang,
        "not_saved",
        f"action-{action_id}",
        {},
        lambda s: service.set_action_state(
            s, actor=viewer.actor, meeting_id=meeting_id, action_id=action_id, state=state
        ),
    )
