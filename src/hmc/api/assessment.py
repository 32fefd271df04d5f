"""JSON endpoints of assessment rounds: open, rate, submit, reconcile, sign, amend, divergence.

Each calls a service with the signed-in member as the actor; what the member may see and do
is decided there. A change is one transaction that holds the audit chain.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path

from hmc.assessment import service
from hmc.assessment.schemas import (
    INT32,
    AgreementRoundRead,
    DivergenceRead,
    JointWrite,
    RatingWrite,
    RoundAmend,
    RoundOpen,
    RoundRead,
    RoundViewRead,
    Saved,
    SignWrite,
)
from hmc.assessment.views import agreement_history, divergence, list_rounds, round_view
from hmc.deps import DatabaseDep, ViewerDep
from hmc.framework.schemas import ID_LENGTH
from hmc.schemas import KEPT

router = APIRouter(prefix="/api", tags=["rounds"])
Id = Annotated[int, Path(ge=1, le=INT32)]
CommissionId = Annotated[str, Path(max_length=ID_LENGTH), KEPT]


@router.get("/commissions/{commission_id}/rounds", response_model=list[RoundRead])
def rounds(
    commission_id: CommissionId, database: DatabaseDep, viewer: ViewerDep
) -> list[RoundRead]:
    """The commission's assessment rounds, newest first."""
    with database.read() as session:
        found = list_rounds(session, viewer=viewer.actor, commission_id=commission_id)
    return [RoundRead.of(r) for r in found]


@router.post("/commissions/{commission_id}/rounds", response_model=RoundRead, status_code=201)
def open_round(
    commission_id: CommissionId, body: RoundOpen, database: DatabaseDep, viewer: ViewerDep
) -> RoundRead:
    """Open a round (a co-chair): each party then rates its items privately."""
    with database.write() as session:
        opened = service.open_round(
            session,
            actor=viewer.actor,
            commission_id=commission_id,
            name=body.name,
            as_of=body.as_of,
            indicators=body.indicators,
            areas=body.areas,
            flag_gap=body.flag_gap,
        )
    return RoundRead.of(opened)


@router.get("/rounds/{round_id}", response_model=RoundViewRead)
def round_detail(round_id: Id, database: DatabaseDep, viewer: ViewerDep) -> RoundViewRead:
    """A round's items and scales, signatures, and ratings: before release, own drafts only."""
    with database.read() as session:
        return RoundViewRead.of(round_view(session, viewer=viewer.actor, round_id=round_id))


@router.put("/items/{item_id}/rating", response_model=Saved)
def save_rating(item_id: Id, body: RatingWrite, database: DatabaseDep, viewer: ViewerDep) -> Saved:
    """Save the member's party's draft rating of an item."""
    with database.write() as session:
        version = service.save_rating(
            session,
            actor=viewer.actor,
            item_id=item_id,
            level=body.level,
            confidence=body.confidence,
            rationale=body.rationale,
            evidence=[e.model_dump() for e in body.evidence],
            version=body.version,
        )
    return Saved(version=version)


@router.post("/rounds/{round_id}/submit", response_model=RoundRead)
def submit(round_id: Id, database: DatabaseDep, viewer: ViewerDep) -> RoundRead:
    """Hand in the party's ratings (its co-chair); with both parties' the round is released."""
    with database.write() as session:
        return RoundRead.of(service.submit(session, actor=viewer.actor, round_id=round_id))


@router.put("/items/{item_id}/joint", response_model=Saved)
def reconcile(item_id: Id, body: JointWrite, database: DatabaseDep, viewer: ViewerDep) -> Saved:
    """Record an item's joint rating, or mark it disputed (a co-chair; withdraws signatures)."""
    with database.write() as session:
        version = service.reconcile(
            session,
            actor=viewer.actor,
            item_id=item_id,
            level=body.level,
            disputed=body.disputed,
            note=body.note,
            version=body.version,
        )
    return Saved(version=version)


@router.post("/rounds/{round_id}/sign", response_model=RoundRead)
def sign(
    round_id: Id, database: DatabaseDep, viewer: ViewerDep, body: SignWrite | None = None
) -> RoundRead:
    """Sign the joint ratings (a co-chair); with both signatures the round is signed.

    Send ``reviewed`` (the round's ``reviewed`` digest, as read) to sign only what was read:
    if a joint rating changed since, the answer is 409.
    """
    reviewed = body.reviewed if body else None
    with database.write() as session:
        signed = service.sign(session, actor=viewer.actor, round_id=round_id, reviewed=reviewed)
        return RoundRead.of(signed)


@router.post("/rounds/{round_id}/amend", response_model=RoundRead, status_code=201)
def amend(
    round_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    body: Annotated[RoundAmend | None, Body()] = None,
) -> RoundRead:
    """Open a round amending a signed one: the same items, each party's ratings as drafts."""
    name = body.name if body is not None else None
    with database.write() as session:
        return RoundRead.of(
            service.amend(session, actor=viewer.actor, round_id=round_id, name=name)
        )


@router.get("/rounds/{round_id}/divergence", response_model=DivergenceRead)
def round_divergence(round_id: Id, database: DatabaseDep, viewer: ViewerDep) -> DivergenceRead:
    """A released round's levels and gap per item, and the agreement overall and per factor."""
    with database.read() as session:
        return DivergenceRead.of(divergence(session, viewer=viewer.actor, round_id=round_id))


@router.get("/commissions/{commission_id}/agreement", response_model=list[AgreementRoundRead])
def agreement(
    commission_id: CommissionId, database: DatabaseDep, viewer: ViewerDep
) -> list[AgreementRoundRead]:
    """The agreement of every released or signed round, oldest first."""
    with database.read() as session:
        history = agreement_history(session, viewer=viewer.actor, commission_id=commission_id)
    return [AgreementRoundRead.of(d) for d in history]
