"""JSON endpoints of the signed-in member: who they are, their password, their API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from hmc.accounts import change_password, create_token, list_tokens, revoke_token
from hmc.accounts.schemas import (
    MeRead,
    PasswordChange,
    PasswordChanged,
    TokenCreate,
    TokenCreated,
    TokenRead,
)
from hmc.assessment.schemas import INT32
from hmc.deps import DatabaseDep, ViewerDep

router = APIRouter(prefix="/api/me", tags=["account"])


@router.get("", response_model=MeRead)
def me(viewer: ViewerDep) -> MeRead:
    """Who is signed in: username, name, role, party and commission."""
    return MeRead.of(viewer.member)


@router.post("/password", response_model=PasswordChanged)
def password(body: PasswordChange, database: DatabaseDep, viewer: ViewerDep) -> PasswordChanged:
    """Change the member's password; their other sessions end (this one stays)."""
    with database.write(lock=False) as session:  # locked after the password check
        change_password(
            session,
            actor=viewer.actor,
            current=body.current,
            new=body.new,
            keep_session_token=viewer.session,
        )
    return PasswordChanged()


@router.get("/tokens", response_model=list[TokenRead])
def tokens(database: DatabaseDep, viewer: ViewerDep) -> list[TokenRead]:
    """The member's personal API tokens, revoked ones too (never the tokens themselves)."""
    with database.read() as session:
        found = list_tokens(session, username=viewer.member.username)
    return [TokenRead.of(t) for t in found]


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def new_token(body: TokenCreate, database: DatabaseDep, viewer: ViewerDep) -> TokenCreated:
    """Make a personal API token; it is in this answer only, so keep it now."""
    username = viewer.member.username
    with database.write() as session:
        token = create_token(
            session, actor=viewer.actor, username=username, name=body.name, days=body.days
        )
        made = list_tokens(session, username=username)[-1]  # the newest: the chain is held
    return TokenCreated(**dict(TokenRead.of(made)), token=token)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke(
    token_id: Annotated[int, Path(ge=1, le=INT32)], database: DatabaseDep, viewer: ViewerDep
) -> TokenRead:
    """Revoke one of the member's tokens: it stops working at once."""
    with database.write() as session:
        return TokenRead.of(revoke_token(session, actor=viewer.actor, token_id=token_id))
