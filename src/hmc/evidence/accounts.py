"""The parties' accounts of disputed events: each party records its own, both are kept.

A party's account says in which of the commission's categories it counts the event, the
deaths by its count, and its text (a strike one side calls self-defence and the other a
violation of sovereignty). It is recorded by a co-chair, member or analyst of that party,
visible to both parties (and observers) once recorded, and audited; a party may revise its
own account (the audit trail keeps the earlier text), never the other party's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.errors import Forbidden, NotFound
from hmc.evidence.models import Event, EventAccount
from hmc.evidence.schemas import AccountRead, AccountWrite

RECORDERS = ("co_chair", "member", "analyst")


def record_account(
    session: Session, *, actor: Actor, event_id: int, account: AccountWrite
) -> AccountRead:
    """Record (or revise) the account of ``actor``'s party of event ``event_id``."""
    if actor.kind != "member" or actor.role not in RECORDERS or not actor.party:
        raise Forbidden("only a co-chair, member or analyst of a party may record its account")
    if session.get(Event, event_id) is None:
        raise NotFound(f"no event {event_id}", event=event_id)
    commission = str(actor.commission_id)
    found = session.scalars(
        select(EventAccount).where(
            EventAccount.event_id == event_id,
            EventAccount.commission_id == commission,
            EventAccount.party == actor.party,
        )
    ).first()
    before = None if found is None else AccountRead.of(found).model_dump(mode="json")
    if found is None:
        found = EventAccount(event_id=event_id, commission_id=commission, party=actor.party)
        session.add(found)
    found.category, found.deaths, found.text = account.category, account.deaths, account.text
    found.recorded_at = datetime.now(UTC).replace(tzinfo=None)
    found.recorded_by = str(actor)
    session.flush()
    after = AccountRead.of(found)
    audit.record(
        session,
        actor=actor,
        action="account",
        object_type="event_account",
        object_id=found.id,
        commission_id=commission,
        before=before,
        after=after.model_dump(mode="json"),
    )
    return after
