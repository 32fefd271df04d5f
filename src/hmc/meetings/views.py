"""Reading meetings as one viewer may see them: the list, one meeting, the calendar's rows.

Another party's minutes are read from the database only once shared, so a draft cannot
reach a record of a viewer outside its party.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hmc.accounts.models import Member
from hmc.actor import Actor
from hmc.assessment.views import parties
from hmc.errors import NotFound
from hmc.framework.service import framework
from hmc.locale import LANGUAGES
from hmc.meetings.agenda import title
from hmc.meetings.models import (
    Action,
    AgendaItem,
    Approval,
    Attendee,
    Decision,
    Meeting,
    Minutes,
)
from hmc.meetings.records import (
    ActionInfo,
    AgendaItemInfo,
    ApprovalInfo,
    AttendeeInfo,
    DecisionInfo,
    MeetingInfo,
    MeetingView,
    MinutesInfo,
)
from hmc.permissions import Permission, drafting_party, require


def get_meeting(session: Session, meeting_id: int, commission_id: str | None = None) -> Meeting:
    """The meeting ``meeting_id`` (of ``commission_id``, when given), or NotFound."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or commission_id not in (None, meeting.commission_id):
        raise NotFound(f"no meeting {meeting_id}", meeting=meeting_id)
    return meeting


def info(meeting: Meeting) -> MeetingInfo:
    """The meeting's header."""
    return MeetingInfo(
        meeting.id,
        meeting.commission_id,
        meeting.title,
        meeting.title_lang,
        meeting.day,
        meeting.start,
        meeting.duration,
        meeting.timezone,
        meeting.place,
        meeting.format,
        meeting.exercise,
        meeting.scheduled_by,
        meeting.scheduled_at,
    )


def list_meetings(session: Session, *, viewer: Actor, commission_id: str) -> list[MeetingInfo]:
    """The commission's meetings, newest first."""
    require(viewer, Permission.READ_MEETINGS, commission_id)
    query = (
        select(Meeting)
        .where(Meeting.commission_id == commission_id)
        .order_by(Meeting.day.desc(), Meeting.start.desc(), Meeting.id.desc())
    )
    return [info(m) for m in session.scalars(query)]


def previous_day(session: Session, meeting: Meeting) -> date | None:
    """The day of the commission's meeting before ``meeting`` (None: it is the first)."""
    query = select(Meeting.day).where(
        Meeting.commission_id == meeting.commission_id,
        or_(Meeting.day < meeting.day, (Meeting.day == meeting.day) & (Meeting.id < meeting.id)),
    )
    return session.scalar(query.order_by(Meeting.day.desc()).limit(1))


def usernames(session: Session, ids: set[int]) -> dict[int, str]:
    """Members' usernames by id."""
    query = select(Member.id, Member.username).where(Member.id.in_(ids))
    return {ident: name for ident, name in session.execute(query)}


def _minutes(m: Minutes) -> MinutesInfo:
    return MinutesInfo(
        m.party_key, m.text, m.lang, m.version, m.updated_by, m.updated_at, m.shared_at
    )


def agenda(session: Session, meeting: Meeting, own: str | None) -> tuple[AgendaItemInfo, ...]:
    """The agenda in order (dropped items last), with the minutes a viewer of ``own`` sees."""
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.dropped, AgendaItem.position, AgendaItem.id)
    ).all()
    query = select(Minutes).where(
        Minutes.item_id.in_([i.id for i in items]),
        or_(Minutes.shared_at.is_not(None), Minutes.party_key == own),
    )
    minutes: dict[int, dict[str, MinutesInfo]] = defaultdict(dict)
    for m in session.scalars(query):
        minutes[m.item_id][m.party_key] = _minutes(m)
    current = framework(session, commission_id=meeting.commission_id)
    titles = {i.id: {lang: title(i.detail, current, lang) for lang in LANGUAGES} for i in items}
    return tuple(
        AgendaItemInfo(
            i.id,
            i.position,
            i.kind,
            i.ref,
            i.subject,
            i.subject_lang,
            dict(i.detail),
            i.url,
            i.dropped,
            i.added_by,
            dict(minutes.get(i.id, {})),
            {lang: text for lang, text in titles[i.id].items() if text is not None},
        )
        for i in items
    )


def decisions(session: Session, meeting_ids: list[int]) -> list[DecisionInfo]:
    """The decisions of the meetings, oldest first, with their approvals."""
    found = session.scalars(
        select(Decision).where(Decision.meeting_id.in_(meeting_ids)).order_by(Decision.id)
    ).all()
    approvals: dict[int, list[ApprovalInfo]] = defaultdict(list)
    rows = session.execute(
        select(Approval, Member.username)
        .join(Member, Member.id == Approval.member_id)
        .where(Approval.decision_id.in_([d.id for d in found]))
        .order_by(Approval.approved_at)
    )
    for a, username in rows:
        approvals[a.decision_id].append(
            ApprovalInfo(a.party_key, username, a.version, a.approved_at)
        )
    return [
        DecisionInfo(
            d.id,
            d.meeting_id,
            d.item_id,
            d.text,
            d.lang,
            d.phase_key,
            d.area_key,
            d.binds_on,
            dict(d.change),
            d.state,
            d.amends_id,
            d.version,
            d.proposed_by,
            d.proposed_at,
            d.stood_at,
            d.framework_version,
            tuple(approvals.get(d.id, ())),
        )
        for d in found
    ]


def actions(session: Session, query_on: list[int]) -> list[ActionInfo]:
    """The actions of the meetings ``query_on``, by due date."""
    found = session.scalars(
        select(Action).where(Action.meeting_id.in_(query_on)).order_by(Action.due, Action.id)
    ).all()
    names = usernames(session, {a.owner_id for a in found})
    return [
        ActionInfo(
            a.id,
            a.meeting_id,
            a.item_id,
            a.text,
            a.lang,
            a.owner_party,
            names[a.owner_id],
            a.due,
            a.state,
            tuple(a.evidence),
            a.version,
            a.updated_by,
            a.updated_at,
        )
        for a in found
    ]


def meeting_ids(session: Session, commission_id: str) -> list[int]:
    """The ids of the commission's meetings."""
    return list(session.scalars(select(Meeting.id).where(Meeting.commission_id == commission_id)))


def meeting_view(
    session: Session, *, viewer: Actor, meeting_id: int, commission_id: str | None = None
) -> MeetingView:
    """The meeting as ``viewer`` may see it: their own party's draft minutes, shared ones."""
    meeting = get_meeting(session, meeting_id, commission_id)
    require(viewer, Permission.READ_MEETINGS, meeting.commission_id)
    own = drafting_party(viewer, meeting.commission_id)
    attendees = session.execute(
        select(Attendee.party_key, Member.id, Member.username, Member.name)
        .join(Member, Member.id == Attendee.member_id)
        .where(Attendee.meeting_id == meeting.id)
        .order_by(Attendee.party_key, Member.username)
    )
    return MeetingView(
        meeting=info(meeting),
        parties=tuple(parties(session, meeting.commission_id)),
        viewer_party=own,
        since=previous_day(session, meeting),
        attendees=tuple(AttendeeInfo(*row) for row in attendees),
        agenda=agenda(session, meeting, own),
        decisions=tuple(decisions(session, [meeting.id])),
        actions=tuple(actions(session, [meeting.id])),
    )


def calendar_rows(
    session: Session, *, viewer: Actor, commission_id: str
) -> tuple[list[MeetingInfo], list[ActionInfo]]:
    """The commission's meetings and its actions, for its calendar."""
    meetings = list_meetings(session, viewer=viewer, commission_id=commission_id)
    return meetings, actions(session, [m.id for m in meetings])
