"""JSON endpoints of working meetings: schedule, attendees, agenda, minutes, decisions, actions,
and the commission's calendar.

Each calls a service with the signed-in member as the actor; what the member may see and do
is decided there. A change is one transaction that holds the audit chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from hmc.assessment.schemas import INT32
from hmc.deps import DatabaseDep, ViewerDep
from hmc.framework.schemas import ID_LENGTH
from hmc.framework.service import get_commission
from hmc.meetings import decisions, service
from hmc.meetings.calendar import ics
from hmc.meetings.records import MeetingInfo
from hmc.meetings.schemas import (
    ActionAdd,
    ActionState,
    Added,
    AgendaAdd,
    AgendaArrange,
    Approve,
    AttendeesWrite,
    Created,
    DecisionRevise,
    DecisionWrite,
    MeetingRead,
    MeetingSchedule,
    MeetingViewRead,
    MinutesWrite,
    Saved,
    StateRead,
)
from hmc.meetings.views import calendar_rows, get_meeting, info, list_meetings, meeting_view
from hmc.permissions import Permission, require
from hmc.schemas import KEPT

router = APIRouter(prefix="/api/commissions/{commission_id}/meetings", tags=["meetings"])
calendar = APIRouter(prefix="/api/commissions/{commission_id}", tags=["meetings"])
CommissionId = Annotated[str, Path(max_length=ID_LENGTH), KEPT]
Id = Annotated[int, Path(ge=1, le=INT32)]
CALENDAR = "text/calendar; charset=utf-8"


@router.get("", response_model=list[MeetingRead])
def meetings(
    commission_id: CommissionId, database: DatabaseDep, viewer: ViewerDep
) -> list[MeetingRead]:
    """The commission's working meetings, newest first."""
    with database.read() as session:
        found = list_meetings(session, viewer=viewer.actor, commission_id=commission_id)
    return [MeetingRead.of(m) for m in found]


@router.post("", response_model=MeetingViewRead, status_code=201)
def schedule(
    commission_id: CommissionId, body: MeetingSchedule, database: DatabaseDep, viewer: ViewerDep
) -> MeetingViewRead:
    """Schedule a meeting (a co-chair); its agenda is built from what changed before it."""
    with database.write() as session:
        made = service.schedule(
            session,
            actor=viewer.actor,
            commission_id=commission_id,
            title=body.title,
            day=body.day,
            start=body.start_time,
            duration=body.duration,
            timezone=body.timezone,
            place=body.place,
            format=body.format,
            lang=body.lang,
        )
        return MeetingViewRead.of(meeting_view(session, viewer=viewer.actor, meeting_id=made.id))


@calendar.get(
    "/meetings.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar file."}},
)
def meetings_calendar(
    commission_id: CommissionId, request: Request, database: DatabaseDep, viewer: ViewerDep
) -> Response:
    """The commission's meetings and open actions' due dates as an iCalendar file."""
    with database.read() as session:
        name = get_commission(session, commission_id=commission_id).name
        rows = calendar_rows(session, viewer=viewer.actor, commission_id=commission_id)
    body = ics(commission_id, name, *rows, site=str(request.base_url).rstrip("/"))
    headers = {"Content-Disposition": f'attachment; filename="{commission_id}-meetings.ics"'}
    return Response(body, media_type=CALENDAR, headers=headers)


@router.get("/{meeting_id}", response_model=MeetingViewRead)
def meeting(
    commission_id: CommissionId, meeting_id: Id, database: DatabaseDep, viewer: ViewerDep
) -> MeetingViewRead:
    """A meeting: attendees, agenda with the minutes the viewer may see, decisions, actions."""
    with database.read() as session:
        found = meeting_view(
            session, viewer=viewer.actor, meeting_id=meeting_id, commission_id=commission_id
        )
    return MeetingViewRead.of(found)


def _current_meeting(
    commission_id: CommissionId, meeting_id: Id, database: DatabaseDep, viewer: ViewerDep
) -> MeetingInfo:
    """The meeting of the path, once the viewer may read it: another commission's is a 404,
    refused before anything is written (the services check what the viewer may change)."""
    with database.read() as session:
        found = get_meeting(session, meeting_id, commission_id)
        require(viewer.actor, Permission.READ_MEETINGS, found.commission_id)
        return info(found)


CurrentMeeting = Annotated[MeetingInfo, Depends(_current_meeting)]


@router.put("/{meeting_id}/attendees", response_model=list[str])
def attendees(
    meeting: CurrentMeeting,
    body: AttendeesWrite,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> list[str]:
    """Name the attendees of the co-chair's own party (replacing its earlier list)."""
    with database.write() as session:
        return service.name_attendees(
            session, actor=viewer.actor, meeting_id=meeting.id, usernames=body.usernames
        )


@router.post("/{meeting_id}/agenda", response_model=Created, status_code=201)
def add_item(
    meeting: CurrentMeeting,
    body: AgendaAdd,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> Created:
    """Add an item to the agenda (a co-chair), last."""
    with database.write() as session:
        made = service.add_item(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            subject=body.subject,
            url=body.url,
            lang=body.lang,
        )
    return Created(id=made)


@router.post("/{meeting_id}/agenda/refresh", response_model=Added)
def refresh(meeting: CurrentMeeting, database: DatabaseDep, viewer: ViewerDep) -> Added:
    """Add what changed since the previous meeting and is not on the agenda yet (a co-chair)."""
    with database.write() as session:
        added = service.refresh_agenda(session, actor=viewer.actor, meeting_id=meeting.id)
    return Added(added=added)


@router.put("/{meeting_id}/agenda/{item_id}", response_model=MeetingViewRead)
def arrange(
    meeting: CurrentMeeting,
    item_id: Id,
    body: AgendaArrange,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> MeetingViewRead:
    """Move an agenda item, or drop it (a co-chair); answers with the meeting."""
    with database.write() as session:
        service.arrange_item(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            item_id=item_id,
            position=body.position,
            dropped=body.dropped,
        )
        return MeetingViewRead.of(meeting_view(session, viewer=viewer.actor, meeting_id=meeting.id))


@router.put("/{meeting_id}/agenda/{item_id}/minutes", response_model=Saved)
def minutes(
    meeting: CurrentMeeting,
    item_id: Id,
    body: MinutesWrite,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> Saved:
    """Save the member's party's draft minutes of an item (its own until shared)."""
    with database.write() as session:
        version = service.save_minutes(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            item_id=item_id,
            text=body.text,
            lang=body.lang,
            version=body.version,
        )
    return Saved(version=version)


@router.post("/{meeting_id}/agenda/{item_id}/minutes/share", status_code=204)
def share(
    meeting: CurrentMeeting,
    item_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> None:
    """Share the party's minutes of an item with the other party and observers (its co-chair)."""
    with database.write() as session:
        service.share_minutes(session, actor=viewer.actor, meeting_id=meeting.id, item_id=item_id)


@router.post("/{meeting_id}/decisions", response_model=Created, status_code=201)
def propose(
    meeting: CurrentMeeting,
    body: DecisionWrite,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> Created:
    """Propose a decision, or an amendment of a standing one (a co-chair)."""
    with database.write() as session:
        made = decisions.propose(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            text=body.text,
            lang=body.lang,
            phase=body.phase,
            area=body.area,
            binds_on=body.binds_on,
            change=body.changed(),
            item_id=body.item,
            amends=body.amends,
        )
    return Created(id=made)


@router.put("/{meeting_id}/decisions/{decision_id}", response_model=Saved)
def revise(
    meeting: CurrentMeeting,
    decision_id: Id,
    body: DecisionRevise,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> Saved:
    """Revise a proposed decision (a co-chair); the approvals given are withdrawn."""
    change = body.change.model_dump(exclude_unset=True) if body.change else {}
    with database.write() as session:
        version = decisions.revise(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            decision_id=decision_id,
            version=body.version,
            text=body.text,
            lang=body.lang,
            phase=body.phase,
            area=body.area,
            binds_on=body.binds_on,
            change=change,
        )
    return Saved(version=version)


@router.post("/{meeting_id}/decisions/{decision_id}/approve", response_model=StateRead)
def approve(
    meeting: CurrentMeeting,
    decision_id: Id,
    body: Approve,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> StateRead:
    """Approve the version read (a co-chair); with both co-chairs' approval it stands."""
    with database.write() as session:
        state = decisions.approve(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            decision_id=decision_id,
            version=body.version,
        )
    return StateRead(state="stands" if state == "stands" else "proposed")


@router.post("/{meeting_id}/actions", response_model=Created, status_code=201)
def add_action(
    meeting: CurrentMeeting,
    body: ActionAdd,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> Created:
    """Record an action: its owner, due date and evidence (a co-chair)."""
    with database.write() as session:
        made = service.add_action(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            text=body.text,
            owner=body.owner,
            due=body.due,
            item_id=body.item,
            evidence=[e.model_dump() for e in body.evidence],
            lang=body.lang,
        )
    return Created(id=made)


@router.put("/{meeting_id}/actions/{action_id}", status_code=204)
def action_state(
    meeting: CurrentMeeting,
    action_id: Id,
    body: ActionState,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> None:
    """Mark an action open, done or dropped (a co-chair, or a delegate of the owner's party)."""
    with database.write() as session:
        service.set_action_state(
            session,
            actor=viewer.actor,
            meeting_id=meeting.id,
            action_id=action_id,
            state=body.state,
        )
