"""Personal API tokens: made for one member, shown once, kept as a digest, revoked at will.

A member makes and revokes tokens only for themself; a system actor (the command line) for
anyone.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hmc.accounts.models import ApiToken, Member
from hmc.accounts.passwords import digest
from hmc.accounts.records import MemberInfo, TokenInfo
from hmc.accounts.service import as_info, audited, check_name, find, with_party
from hmc.actor import Actor
from hmc.audit import service as audit  # a module: hmc.audit.service imports hmc.accounts
from hmc.errors import Conflict, Forbidden, InvalidInput, NotFound
from hmc.framework.models import Party

__all__ = ["authenticate_token", "create_token", "list_tokens", "revoke_token"]

PREFIX = "hmc_"  # tells a token apart from other secrets (and from a session id)
MAX_DAYS = 3650


def _check_own(actor: Actor, member_id: int, what: str) -> None:
    if actor.kind != "system" and actor.member_id != member_id:
        raise Forbidden(f"a member {what} only their own tokens")


def create_token(
    session: Session, *, actor: Actor, username: str, name: str, days: int | None = 90
) -> str:
    """Make a token for a member; the token is returned this once (None days: no expiry)."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a token lasts 1 to {MAX_DAYS} days (this one: {days})", days=days)
    name = check_name(name, "a token's name")
    audit.lock_chain(session)
    member = find(session, username)
    _check_own(actor, member.id, "creates")
    if not member.active:
        raise Conflict(f"{member.username} is disabled")
    token = PREFIX + secrets.token_urlsafe(32)
    at = audit.now()
    expires = at + timedelta(days=days) if days is not None else None
    row = ApiToken(
        digest=digest(token), member_id=member.id, name=name, created_at=at, expires_at=expires
    )
    session.add(row)
    session.flush()
    audited(
        session,
        member,
        actor=actor,
        action="create",
        on=("token", row.id),
        after={
            "member": member.username,
            "name": name,
            "expires_at": expires.isoformat() if expires is not None else None,
        },
    )
    return token


def authenticate_token(session: Session, *, token: str) -> MemberInfo | None:
    """The member a token belongs to (None: unknown, revoked, expired, or member disabled)."""
    query = with_party(select(Member, Party).join(ApiToken, ApiToken.member_id == Member.id)).where(
        ApiToken.digest == digest(token),
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > audit.now()),
        Member.active.is_(True),
    )
    row = session.execute(query).first()
    return as_info(row[0], row[1]) if row is not None else None


def _as_record(row: ApiToken) -> TokenInfo:
    return TokenInfo(row.id, row.name, row.created_at, row.expires_at, row.revoked_at)


def list_tokens(session: Session, *, username: str) -> list[TokenInfo]:
    """A member's tokens, oldest first, revoked ones too (never the tokens themselves)."""
    member = find(session, username)
    query = select(ApiToken).where(ApiToken.member_id == member.id).order_by(ApiToken.id)
    return [_as_record(row) for row in session.scalars(query)]


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> TokenInfo:
    """Revoke a token: it stops working at once."""
    audit.lock_chain(session)
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token {token_id}", token=token_id)
    _check_own(actor, row.member_id, "revokes")
    if row.revoked_at is not None:
        raise Conflict(f"token {token_id} is already revoked")
    row.revoked_at = audit.now()
    audited(
        session,
        session.get_one(Member, row.member_id),
        actor=actor,
        action="revoke",
        on=("token", row.id),
        before={"revoked_at": None},
        after={"revoked_at": row.revoked_at.isoformat()},
    )
    return _as_record(row)
