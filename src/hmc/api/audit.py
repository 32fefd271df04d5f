"""JSON endpoints of the audit trail: the records a member may read, the head, verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from hmc.assessment.views import released_rounds
from hmc.audit.schemas import AuditRecordRead, HeadRead, VerificationRead
from hmc.audit.service import head, trail, verify
from hmc.audit.types import TYPES
from hmc.deps import DatabaseDep, ViewerDep
from hmc.permissions import Permission, require
from hmc.schemas import KEPT

router = APIRouter(prefix="/api/audit", tags=["audit"])
Kept = Annotated[str, KEPT]
MOST = 1_000  # records a request returns at the most


@router.get("", response_model=list[AuditRecordRead])
def records(
    database: DatabaseDep,
    viewer: ViewerDep,
    commission: Annotated[
        Kept | None,
        Query(max_length=64, description="A commission's id (default: the member's own)."),
    ] = None,
    object_type: Annotated[
        Kept | None,
        Query(
            alias="type",
            max_length=32,
            description=f"An object type: {', '.join(k.name for k in TYPES)}.",
        ),
    ] = None,
    object_id: Annotated[
        Kept | None, Query(alias="id", max_length=64, description="An object's id.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MOST)] = 200,
) -> list[AuditRecordRead]:
    """The newest records the member may read (a party's drafts: its own until released)."""
    wanted = commission or viewer.member.commission_id  # an administrator's: every one
    if wanted is not None:
        require(viewer.actor, Permission.READ_TRAIL, wanted)
    with database.read() as session:
        found = trail(
            session,
            viewer=viewer.actor,
            released=released_rounds(session),
            commission_id=wanted,
            object_type=object_type,
            object_id=object_id,
            limit=limit,
        )
        return [AuditRecordRead.of(r) for r in found]


@router.get("/head", response_model=HeadRead)
def chain_head(database: DatabaseDep) -> HeadRead:
    """The hash of the chain's last record, to keep outside hmc and check against later."""
    with database.read() as session:
        return HeadRead(head=head(session))


@router.get("/verify", response_model=VerificationRead)
def chain_verify(database: DatabaseDep) -> VerificationRead:
    """Check every record against its hash and the one before it; name where the chain breaks."""
    with database.read() as session:
        return VerificationRead.of(verify(session))
