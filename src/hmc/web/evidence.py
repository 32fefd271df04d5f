"""Pages of evidence: the events with filters, and one event with its sources, grade, linked
reports and the parties' accounts (and the form for the viewer's party's own)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from hmc.deps import DatabaseDep, ViewerDep, read_day
from hmc.errors import InvalidInput
from hmc.evidence.accounts import RECORDERS, record_account
from hmc.evidence.schemas import AccountWrite, EventRead
from hmc.evidence.views import EventFilter, event_detail, find_events, list_sources
from hmc.framework.service import list_commissions
from hmc.web import i18n
from hmc.web.forms import Id, Lang, Short, Text
from hmc.web.render import frame, here, page

router = APIRouter(include_in_schema=False)
Filter = Annotated[str, Query(max_length=64)]
PAGE = 100  # events a page lists


@router.api_route("/evidence", methods=["GET", "HEAD"], response_class=HTMLResponse)
def evidence_page(
    database: DatabaseDep,
    viewer: ViewerDep,
    lang: str | None = None,
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    governorate: Filter = "",
    category: Filter = "",
    source: Filter = "",
    reliability: Annotated[str, Query(pattern="^[A-Fa-f]{0,6}$")] = "",
    credibility: Annotated[str, Query(pattern="^[1-6]?$")] = "",
    account: Filter = "",
    before: Annotated[str, Query(max_length=40, pattern=r"^(\d{4}-\d{2}-\d{2}\.\d{1,18})?$")] = "",
) -> HTMLResponse:
    """The events matching the filters, newest first, with source, grade and place; a page
    at a time, the next one older than the last shown (``before``: its date and id)."""
    where = EventFilter(
        start=read_day(start, field="from") if start else None,
        end=read_day(end, field="to") if end else None,
        governorates=(governorate,) if governorate else None,
        category=category or None,
        source=source or None,
        reliability=reliability or None,
        credibility=int(credibility) if credibility else None,
        account=account or None,
    )
    with database.read() as session:
        total, found = find_events(session, where=where, limit=PAGE, before=_key(before))
        known = list_sources(session)
        commissions = list_commissions(session)
    base = frame(lang, None, commissions, viewer)
    typed = {"from": start, "to": end, "governorate": governorate, "category": category,
             "source": source, "reliability": reliability, "credibility": credibility,
             "account": account}  # fmt: skip
    return page(
        "evidence.html",
        200,
        base,
        current=viewer.member.commission_id,
        switch=here("/evidence", base["other_lang"]),
        total=total,
        events=found,
        sources=known,
        typed=typed,
        older=_older(typed, lang, found),
    )


def _key(before: str) -> tuple[date, int] | None:
    """The date and id of ``before`` (``2024-01-31.123``); None when blank."""
    if not before:
        return None
    day, ident = before.split(".")
    return read_day(day, field="before"), int(ident)


def _older(typed: dict[str, str], lang: str | None, found: list[EventRead]) -> str | None:
    """The link to the page of older events, when this page is full."""
    if len(found) < PAGE:
        return None
    last = found[-1]
    chosen = {**typed, "lang": "" if i18n.language(lang) == i18n.DEFAULT else i18n.language(lang)}
    query = {**{k: v for k, v in chosen.items() if v}, "before": f"{last.occurred_on}.{last.id}"}
    return f"/evidence?{urlencode(query)}"


@router.api_route("/events/{event_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def event_page(
    event_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """One event: its source and grade (and why), linked reports, the parties' accounts."""
    with database.read() as session:
        detail = event_detail(session, event_id=event_id)
        commissions = list_commissions(session)
    base = frame(lang, None, commissions, viewer)
    member = viewer.member
    return page(
        "event.html",
        200,
        base,
        current=member.commission_id,
        switch=here(f"/events/{event_id}", base["other_lang"]),
        detail=detail,
        may_record=member.role in RECORDERS and member.party is not None,
    )


@router.post("/events/{event_id}/account")
def account_form(
    event_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    category: Short,
    text: Text,
    deaths: Annotated[str, Form(max_length=20)] = "",
    lang: Lang = None,
) -> RedirectResponse:
    """Record the viewer's party's account of the event, then show the event again."""
    try:
        figure = float(deaths) if deaths.strip() else None
        account = AccountWrite(category=category.strip(), deaths=figure, text=text.strip())
    except ValueError as exc:  # a pydantic ValidationError is a ValueError
        raise InvalidInput(f"the account cannot be recorded: {exc}") from None
    with database.write() as session:
        record_account(session, actor=viewer.actor, event_id=event_id, account=account)
    return RedirectResponse(here(f"/events/{event_id}", lang, "accounts"), status_code=303)
