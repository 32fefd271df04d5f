"""JSON endpoints of evidence: sources with grades, events (filtered), one event, accounts, links.

Reads are open to every signed-in member; a party's account is recorded by a co-chair,
member or analyst of that party, and a link is undone by one (both audited).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from hmc.assessment.schemas import INT32
from hmc.deps import DatabaseDep, DayText, ViewerDep, read_day
from hmc.evidence.accounts import record_account
from hmc.evidence.linking import undo_link
from hmc.evidence.schemas import AccountRead, AccountWrite, EventDetail, EventPage, SourceRead
from hmc.evidence.views import EventFilter, event_detail, find_events, list_sources

router = APIRouter(prefix="/api", tags=["evidence"])
Id = Annotated[int, Path(ge=1, le=INT32)]
Short = Annotated[str | None, Query(max_length=64)]


def _day(text: str | None, field: str) -> date | None:
    return None if text is None else read_day(text, field=field)


@router.get("/sources", response_model=list[SourceRead])
def sources(database: DatabaseDep) -> list[SourceRead]:
    """Every source of evidence, with its reliability grade (A-F) and its events."""
    with database.read() as session:
        return list_sources(session)


@router.get("/events", response_model=EventPage)
def events(
    database: DatabaseDep,
    start: Annotated[DayText | None, Query(alias="from")] = None,
    end: Annotated[DayText | None, Query(alias="to")] = None,
    governorate: Annotated[list[str] | None, Query(max_length=64)] = None,
    category: Short = None,
    source: Short = None,
    reliability: Annotated[str | None, Query(pattern="^[A-Fa-f]{1,6}$")] = None,
    credibility: Annotated[int | None, Query(ge=1, le=6)] = None,
    account: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=INT32)] = 0,
) -> EventPage:
    """Events matching the filters, newest first, with their source and grade."""
    where = EventFilter(
        start=_day(start, "from"),
        end=_day(end, "to"),
        governorates=tuple(governorate) if governorate else None,
        category=category,
        source=source,
        reliability=reliability,
        credibility=credibility,
        account=account,
    )
    with database.read() as session:
        total, found = find_events(session, where=where, limit=limit, offset=offset)
    return EventPage(total=total, events=found)


@router.get("/events/{event_id}", response_model=EventDetail)
def event(event_id: Id, database: DatabaseDep) -> EventDetail:
    """One event: its grade and why, the reports linked to it, the parties' accounts."""
    with database.read() as session:
        return event_detail(session, event_id=event_id)


@router.put("/events/{event_id}/account", response_model=AccountRead)
def account_of(
    event_id: Id, body: AccountWrite, database: DatabaseDep, viewer: ViewerDep
) -> AccountRead:
    """Record (or revise) the member's party's account of an event."""
    with database.write() as session:
        return record_account(session, actor=viewer.actor, event_id=event_id, account=body)


@router.post("/links/{link_id}/undo", response_model=EventDetail)
def undo(link_id: Id, database: DatabaseDep, viewer: ViewerDep) -> EventDetail:
    """Undo a link between two reports: both count again."""
    with database.write() as session:
        link = undo_link(session, actor=viewer.actor, link_id=link_id)
        return event_detail(session, event_id=link.event_id)
