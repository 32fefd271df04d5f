"""Working meetings: schedule, attendees, the agenda, minutes and actions.

Each function is one write, checked against the actor's party and role and audited in the
same transaction. A party's draft minutes are audited as private to that party; sharing
them is audited for everyone.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hmc.accounts.models import Member
from hmc.accounts.service import with_party
from hmc.actor import Actor
from hmc.assessment.evidence_links import links
from hmc.audit.service import now, record_write
from hmc.audit.types import fields_of
from hmc.errors import Conflict, InvalidInput, NotFound
from hmc.evidence.models import Event, ImportBatch
from hmc.framework.models import Party
from hmc.framework.service import get_commission
from hmc.meetings import agenda
from hmc.meetings.language import language
from hmc.meetings.models import (
    ACTION_STATES,
    FORMATS,
    SHORT,
    TEXT,
    Action,
    AgendaItem,
    Attendee,
    Meeting,
    Minutes,
)
from hmc.meetings.records import MeetingInfo
from hmc.meetings.views import get_meeting, info, previous_day
from hmc.permissions import Permission, acting_party, require
from hmc.storage.versions import check_version

LONGEST_MEETING = 24 * 60  # minutes


def text_of(text: str, what: str, longest: int = TEXT) -> str:
    """``text`` without surrounding blanks, 1 to ``longest`` characters, else InvalidInput."""
    text = text.strip()
    if not text or len(text) > longest:
        raise InvalidInput(f"{what}: 1 to {longest} characters, please", field=what)
    if "\x00" in text:
        raise InvalidInput(f"{what}: a NUL character cannot be stored", field=what)
    return text


def _zone(name: str) -> str:
    name = name.strip() or "UTC"
    try:
        if name in available_timezones() or name == "UTC":
            ZoneInfo(name)
            return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise InvalidInput(f'timezone: "{name[:64]}" is not a time zone (e.g. UTC)', field="timezone")


def schedule(
    session: Session,
    *,
    actor: Actor,
    commission_id: str,
    title: str,
    day: date,
    start: time,
    place: str,
    format: str,
    duration: int = 120,
    timezone: str = "UTC",
    lang: str | None = None,
    exercise: bool = False,
) -> MeetingInfo:
    """A co-chair schedules a meeting; its agenda is built from what changed before it."""
    get_commission(session, commission_id=commission_id)
    require(actor, Permission.SCHEDULE_MEETING, commission_id)
    if format not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    if not 15 <= duration <= LONGEST_MEETING:
        raise InvalidInput(f"duration: 15 to {LONGEST_MEETING} minutes", field="duration")
    title = text_of(title, "title", SHORT)
    meeting = Meeting(
        commission_id=commission_id,
        title=title,
        title_lang=language(title, lang),
        day=day,
        start=start.replace(second=0, microsecond=0, tzinfo=None),
        duration=duration,
        timezone=_zone(timezone),
        place=text_of(place, "place", SHORT),
        format=format,
        exercise=exercise,
        scheduled_by=str(actor),
        scheduled_at=now(),
    )
    session.add(meeting)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="schedule",
        row=meeting,
        commission_id=meeting.commission_id,
        after=fields_of(meeting),
    )
    refresh_agenda(session, actor=actor, meeting_id=meeting.id)
    return info(meeting)


def name_attendees(
    session: Session, *, actor: Actor, meeting_id: int, usernames: list[str]
) -> list[str]:
    """A party's co-chair names the party's attendees (replacing its earlier list)."""
    meeting = get_meeting(session, meeting_id)
    party = acting_party(actor, Permission.NAME_ATTENDEES, meeting.commission_id)
    members = {
        m.username: m
        for m, _ in session.execute(
            with_party(select(Member, Party)).where(
                Party.commission_id == meeting.commission_id,
                Party.key == party,
                Member.active.is_(True),
            )
        )
    }
    unknown = [u for u in usernames if u not in members]
    if unknown:
        raise InvalidInput(
            f"not active members of {party}: {', '.join(u[:64] for u in unknown[:10])}",
            field="usernames",
        )
    chosen = sorted(set(usernames))
    current = session.scalars(
        select(Attendee).where(Attendee.meeting_id == meeting.id, Attendee.party_key == party)
    ).all()
    before = sorted(u for u, m in members.items() if m.id in {a.member_id for a in current})
    for attendee in current:
        session.delete(attendee)
    session.flush()
    for username in chosen:
        session.add(
            Attendee(meeting_id=meeting.id, member_id=members[username].id, party_key=party)
        )
    session.flush()
    record_write(
        session,
        actor=actor,
        action="attendees",
        row=meeting,
        commission_id=meeting.commission_id,
        before={"party": party, "attendees": before},
        after={"party": party, "attendees": chosen},
    )
    return chosen


def _positions(session: Session, meeting_id: int) -> list[AgendaItem]:
    query = (
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.dropped, AgendaItem.position, AgendaItem.id)
    )
    return list(session.scalars(query))


def refresh_agenda(session: Session, *, actor: Actor, meeting_id: int) -> int:
    """Add to the agenda what changed since the previous meeting and is not on it yet."""
    meeting = get_meeting(session, meeting_id)
    require(actor, Permission.ARRANGE_AGENDA, meeting.commission_id)
    have = {i.ref for i in _positions(session, meeting.id)}
    position = len(have)
    added = 0
    for finding in agenda.findings(
        session, actor=actor, meeting=meeting, since=previous_day(session, meeting)
    ):
        if finding.ref in have:
            continue
        item = AgendaItem(
            meeting_id=meeting.id,
            position=position,
            kind=finding.kind,
            ref=finding.ref,
            subject=finding.subject,
            subject_lang=finding.lang,
            detail=finding.detail,
            url=finding.url,
            added_by=str(actor),
        )
        session.add(item)
        session.flush()
        record_write(
            session,
            actor=actor,
            action="agenda_add",
            row=item,
            commission_id=meeting.commission_id,
            after=fields_of(item),
        )
        have.add(finding.ref)
        position, added = position + 1, added + 1
    return added


def add_item(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    subject: str,
    lang: str | None = None,
    url: str = "",
) -> int:
    """A co-chair adds an item of their own to the agenda (last); returns its id."""
    meeting = get_meeting(session, meeting_id)
    require(actor, Permission.ARRANGE_AGENDA, meeting.commission_id)
    subject = text_of(subject, "subject", 1_000)
    url = url.strip()
    if url and not (url.startswith("/") or url.lower().startswith(("http://", "https://"))):
        raise InvalidInput("url: a page of the workspace (/...) or http(s)://", field="url")
    count = session.scalar(
        select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        meeting_id=meeting.id,
        position=int(count or 0),
        kind="other",
        ref="",
        subject=subject,
        subject_lang=language(subject, lang),
        detail={},
        url=url[:500],
        added_by=str(actor),
    )
    session.add(item)
    session.flush()
    item.ref = f"added:{item.id}"
    session.flush()
    record_write(
        session,
        actor=actor,
        action="agenda_add",
        row=item,
        commission_id=meeting.commission_id,
        after=fields_of(item),
    )
    return item.id


def agenda_item(session: Session, meeting_id: int, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise NotFound(f"meeting {meeting_id} has no agenda item {item_id}", item=item_id)
    meeting = get_meeting(session, meeting_id)
    return item, meeting


def arrange_item(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    position: int | None = None,
    dropped: bool | None = None,
) -> None:
    """A co-chair moves an item to ``position`` (0: first; past the end: last) or drops it
    (or takes it back)."""
    item, meeting = agenda_item(session, meeting_id, item_id)
    require(actor, Permission.ARRANGE_AGENDA, meeting.commission_id)
    before = fields_of(item)
    ordered = _positions(session, meeting.id)
    was = [i for i in ordered if not i.dropped]
    if dropped is not None:
        item.dropped = dropped
    kept = [i for i in ordered if not i.dropped and i is not item]
    gone = [i for i in ordered if i.dropped and i is not item]
    if item.dropped:
        gone.append(item)
    else:
        at = position if position is not None else was.index(item) if item in was else len(kept)
        if at < 0:
            raise InvalidInput("position: 0 (first) or more", field="position")
        kept.insert(min(at, len(kept)), item)  # past the end: last
    for index, each in enumerate([*kept, *gone]):
        each.position = index
    session.flush()
    record_write(
        session,
        actor=actor,
        action="agenda_arrange",
        row=item,
        commission_id=meeting.commission_id,
        before=before,
        after=fields_of(item),
    )


def _own_minutes(session: Session, item_id: int, party: str) -> Minutes | None:
    query = select(Minutes).where(Minutes.item_id == item_id, Minutes.party_key == party)
    return session.scalars(query).first()


def save_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    item_id: int,
    text: str,
    lang: str | None = None,
    version: int | None = None,
) -> int:
    """Save the actor's party's draft minutes of an item; returns their new version.

    ``version`` is the version the writer started from (None for new minutes): a save
    based on another one is refused, not applied.
    """
    item, meeting = agenda_item(session, meeting_id, item_id)
    party = acting_party(actor, Permission.DRAFT_MINUTES, meeting.commission_id)
    text = text_of(text, "text")
    minutes = _own_minutes(session, item.id, party)
    if minutes is not None and minutes.shared_at is not None:
        raise Conflict(f"{party} has shared its minutes of this item: they cannot change")
    check_version("these minutes", minutes.version if minutes else None, version)
    before = fields_of(minutes) if minutes else None
    if minutes is None:
        minutes = Minutes(item_id=item.id, party_key=party, version=0)
        session.add(minutes)
    minutes.text, minutes.lang = text, language(text, lang)
    minutes.version += 1
    minutes.updated_by, minutes.updated_at = str(actor), now()
    session.flush()
    record_write(
        session,
        actor=actor,
        action="draft",
        row=minutes,
        commission_id=meeting.commission_id,
        before=before,
        after=fields_of(minutes),
        private_to=party,
    )
    return minutes.version


def share_minutes(session: Session, *, actor: Actor, meeting_id: int, item_id: int) -> None:
    """A party's co-chair shares its minutes of an item with the other party and observers."""
    item, meeting = agenda_item(session, meeting_id, item_id)
    party = acting_party(actor, Permission.SHARE_MINUTES, meeting.commission_id)
    minutes = _own_minutes(session, item.id, party)
    if minutes is None:
        raise InvalidInput(f"{party} has no minutes of this item to share")
    if minutes.shared_at is not None:
        raise Conflict(f"{party} has already shared its minutes of this item")
    minutes.shared_at = now()
    session.flush()
    record_write(
        session,
        actor=actor,
        action="share",
        row=minutes,
        commission_id=meeting.commission_id,
        after=fields_of(minutes),
    )


def _exists(session: Session, kind: str, ident: int) -> bool:
    return session.get(Event if kind == "event" else ImportBatch, ident) is not None


def add_action(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    owner: str,
    due: date,
    item_id: int | None = None,
    evidence: list[Any] | None = None,
    lang: str | None = None,
) -> int:
    """A co-chair records an action: its owner (a member of a party), due date, evidence."""
    meeting = get_meeting(session, meeting_id)
    require(actor, Permission.RECORD_ACTION, meeting.commission_id)
    if item_id is not None:
        agenda_item(session, meeting.id, item_id)
    row = session.execute(
        with_party(select(Member, Party)).where(
            Member.username == owner, Party.commission_id == meeting.commission_id
        )
    ).first()
    if row is None:
        raise InvalidInput(f'owner: "{owner[:64]}" is not a member of a party', field="owner")
    member, party = row
    text = text_of(text, "text")
    action = Action(
        meeting_id=meeting.id,
        item_id=item_id,
        text=text,
        lang=language(text, lang),
        owner_party=party.key,
        owner_id=member.id,
        due=due,
        state="open",
        evidence=links(evidence or [], exists=lambda k, i: _exists(session, k, i)),
        version=1,
        updated_by=str(actor),
        updated_at=now(),
    )
    session.add(action)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="add",
        row=action,
        commission_id=meeting.commission_id,
        after=fields_of(action),
    )
    return action.id


def set_action_state(
    session: Session, *, actor: Actor, meeting_id: int, action_id: int, state: str
) -> None:
    """A co-chair, or a delegate of the owner's party, marks an action open, done or dropped."""
    action = session.get(Action, action_id)
    if action is None or action.meeting_id != meeting_id:
        raise NotFound(f"meeting {meeting_id} has no action {action_id}", action=action_id)
    meeting = get_meeting(session, meeting_id)
    require(actor, Permission.UPDATE_ACTION, meeting.commission_id, owner=action.owner_party)
    if state not in ACTION_STATES:
        raise InvalidInput(f"state must be one of {', '.join(ACTION_STATES)}", field="state")
    if state == action.state:
        raise Conflict(f"action {action_id} is {state} already")
    before = fields_of(action)
    action.state, action.version = state, action.version + 1
    action.updated_by, action.updated_at = str(actor), now()
    session.flush()
    record_write(
        session,
        actor=actor,
        action="state",
        row=action,
        commission_id=meeting.commission_id,
        before=before,
        after=fields_of(action),
    )
