"""JSON endpoints of the news review queue: items, one item with its report and matches, a
decision on an item (accept, edit, reject, merge; audited), outlets' grades, positions.

Members of the commission read; co-chairs, members and analysts of either party decide.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from hmc.assessment.schemas import INT32
from hmc.deps import DatabaseDep, ViewerDep
from hmc.framework.schemas import ID_LENGTH
from hmc.news.becoming import grade_outlet
from hmc.news.review import decide, item_detail, list_items, positions
from hmc.news.schemas import DecisionWrite, ItemDetail, ItemRead, PositionRead
from hmc.schemas import KEPT

router = APIRouter(prefix="/api/commissions/{commission_id}", tags=["review"])
CommissionId = Annotated[str, Path(max_length=ID_LENGTH), KEPT]
Id = Annotated[int, Path(ge=1, le=INT32)]


class OutletGrade(BaseModel):
    """An outlet's reliability as the commission judges it."""

    outlet: str = Field(min_length=1, max_length=200)
    reliability: str = Field(pattern="^[A-Fa-f]$")


@router.get("/review", response_model=list[ItemRead])
def review_items(
    commission_id: CommissionId,
    database: DatabaseDep,
    viewer: ViewerDep,
    state: Annotated[str | None, Query(max_length=16)] = "proposed",
) -> list[ItemRead]:
    """The items hmc proposed from news in ``state`` (default: awaiting a decision)."""
    with database.read() as session:
        return list_items(session, actor=viewer.actor, commission_id=commission_id, state=state)


@router.get("/review/{item_id}", response_model=ItemDetail)
def review_item(
    commission_id: CommissionId, item_id: Id, database: DatabaseDep, viewer: ViewerDep
) -> ItemDetail:
    """One item, its report (as text) and the events it may report again."""
    with database.read() as session:
        return item_detail(session, actor=viewer.actor, commission_id=commission_id,
                           item_id=item_id)  # fmt: skip


@router.post("/review/{item_id}", response_model=ItemRead)
def review_decision(
    commission_id: CommissionId,
    item_id: Id,
    body: DecisionWrite,
    database: DatabaseDep,
    viewer: ViewerDep,
) -> ItemRead:
    """Accept, edit (then accept), reject or merge an item (audited with who decided)."""
    with database.write() as session:
        return decide(session, actor=viewer.actor, commission_id=commission_id,
                      item_id=item_id, decision=body)  # fmt: skip


@router.put("/review/outlets", response_model=OutletGrade)
def review_outlet(
    commission_id: CommissionId, body: OutletGrade, database: DatabaseDep, viewer: ViewerDep
) -> OutletGrade:
    """Grade a news outlet's reliability, A-F (a co-chair; audited)."""
    with database.write() as session:
        grade_outlet(session, actor=viewer.actor, commission_id=commission_id,
                     outlet=body.outlet, reliability=body.reliability)  # fmt: skip
    return OutletGrade(outlet=body.outlet, reliability=body.reliability.upper())


@router.get("/positions", response_model=list[PositionRead])
def party_positions(
    commission_id: CommissionId, database: DatabaseDep, viewer: ViewerDep
) -> list[PositionRead]:
    """What each party said, when, on what, each linked to its report (newest first)."""
    with database.read() as session:
        return positions(session, actor=viewer.actor, commission_id=commission_id)
