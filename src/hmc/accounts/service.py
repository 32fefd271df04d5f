"""Members and how they sign in: accounts, passwords and browser sessions.

Every write is recorded in the audit trail, and no record holds a password, a hash, a session
id or a token. Administrative writes (adding, disabling, resetting) take an administrator or
a system actor. Personal API tokens are in :mod:`hmc.accounts.tokens`.
"""

from __future__ import annotations

import math
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from hmc.accounts.models import ROLES, USERNAME, ApiToken, LoginSession, Member, SignInAttempt
from hmc.accounts.passwords import (
    check_new,
    digest,
    hash_password,
    needs_rehash,
    verify,
    verify_nobody,
)
from hmc.accounts.records import Authenticated, MemberInfo, SignedIn
from hmc.actor import Actor
from hmc.audit import service as audit  # a module: hmc.audit.service imports hmc.accounts
from hmc.errors import Conflict, Forbidden, InvalidInput, NotFound, NotSignedIn, TooManyAttempts
from hmc.framework.models import Commission, Party
from hmc.framework.records import not_found
from hmc.settings import get_settings

__all__ = [
    "add_member",
    "authenticate",
    "change_password",
    "disable_member",
    "get_member",
    "list_members",
    "reset_password",
    "sign_in",
    "sign_out",
]

S = TypeVar("S", bound=Select[*tuple[Any, ...]])  # a query that selects members

ADMIN = "admin"
CO_CHAIR = "co_chair"
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
NAME = 200
ADDRESS = 64
WINDOW = timedelta(minutes=15)  # failed sign-ins count this long
PER_ACCOUNT = 5  # failed sign-ins of one username in the window before it waits
PER_ADDRESS = 20  # failed sign-ins from one address in the window before it waits
# the same for an unknown username, a wrong password and a disabled member
WRONG = "wrong username or password"


def check_username(text: str) -> str:
    """A username as stored (lowercase), or InvalidInput saying what one looks like.

    >>> check_username(" Amina.K ")
    'amina.k'
    """
    username = text.strip().lower()
    if not USERNAME_PATTERN.fullmatch(username):
        shown = username if len(username) <= 80 else username[:80] + "…"
        raise InvalidInput(
            f'"{shown}" is not a username: 2 to 64 of a-z, 0-9, ".", "_", "-",'
            " starting with a letter or digit",
            username=shown,
        )
    return username


def check_name(text: str, what: str = "a member's name") -> str:
    """A name without surrounding blanks, 1 to 200 characters."""
    name = text.strip()
    if not 1 <= len(name) <= NAME:
        raise InvalidInput(f"{what} has 1 to {NAME} characters")
    return name


def require_admin(actor: Actor, what: str) -> None:
    """Refuse a member who is not an administrator (system actors are the CLI's)."""
    if actor.kind != "system" and actor.role != ADMIN:
        raise Forbidden(f"only an administrator may {what}")


def with_party(query: S) -> S:
    """``query`` (which selects members) with each member's party, None for administrators."""
    return query.outerjoin(Party, Party.id == Member.party_id)


def as_info(member: Member, party: Party | None) -> MemberInfo:
    """A member's record."""
    return MemberInfo(
        id=member.id,
        username=member.username,
        name=member.name,
        role=member.role,
        party=party.key if party is not None else None,
        commission_id=party.commission_id if party is not None else None,
        active=member.active,
    )


def info(session: Session, member: Member) -> MemberInfo:
    """The record of a member row."""
    party = session.get(Party, member.party_id) if member.party_id is not None else None
    return as_info(member, party)


def find(session: Session, username: str) -> Member:
    """The member with ``username`` (any case), or NotFound."""
    wanted = username.strip().lower()
    member = session.scalar(select(Member).where(Member.username == wanted))
    if member is None:
        shown = wanted if len(wanted) <= 80 else wanted[:80] + "…"
        raise NotFound(f'no member "{shown}"', username=shown)
    return member


def _fields(member: MemberInfo) -> dict[str, Any]:
    """What the audit trail keeps of a member (never the password or its hash)."""
    return {
        "username": member.username,
        "name": member.name,
        "role": member.role,
        "party": member.party,
        "active": member.active,
    }


def audited(
    session: Session,
    member: Member,
    *,
    actor: Actor | None,
    action: str,
    on: tuple[str, int] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> MemberInfo:
    """Record a write about ``member`` (``on``: one of their sessions or tokens, by type and id).

    ``actor`` None: the member acts themself. Returns the member's record. The record is
    private to the member's party: the other delegation does not see when or from where
    its members sign in, nor their tokens.
    """
    changed = info(session, member)
    object_type, object_id = on or ("member", member.id)
    audit.record(
        session,
        actor=actor or changed.actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        commission_id=changed.commission_id,
        before=before,
        after=after,
        private_to=changed.party,
    )
    return changed


def _party(session: Session, role: str, commission_id: str | None, key: str | None) -> Party | None:
    """The party a member of ``role`` joins (None for an administrator), checked."""
    if role not in ROLES:
        raise InvalidInput(f'no role "{role[:40]}" (roles: {", ".join(ROLES)})', role=role[:40])
    if role == ADMIN:
        if commission_id is not None or key is not None:
            raise InvalidInput("an administrator belongs to no party: give no commission or party")
        return None
    if commission_id is None:
        raise InvalidInput(f"a member with the role {role} belongs to a commission's party")
    commission = session.get(Commission, commission_id)
    if commission is None:
        known = list(session.scalars(select(Commission.id).order_by(Commission.id)))
        raise not_found("commission", commission_id, known, "this database")
    keys = [p.key for p in commission.parties]
    if key is None:
        raise InvalidInput(
            f"a member with the role {role} belongs to a party of {commission_id}"
            f" ({', '.join(keys)}): name one"
        )
    party = next((p for p in commission.parties if p.key == key), None)
    if party is None:
        raise not_found("party", key, keys, commission_id)
    return party


def add_member(
    session: Session,
    *,
    actor: Actor,
    username: str,
    name: str,
    role: str,
    password: str,
    commission_id: str | None = None,
    party: str | None = None,
) -> MemberInfo:
    """Add a member of a commission's party, or an administrator (no commission or party)."""
    require_admin(actor, "add members")
    username, name = check_username(username), check_name(name)
    check_new(password)
    audit.lock_chain(session)
    joined = _party(session, role, commission_id, party)
    if session.scalar(select(Member.id).where(Member.username == username)) is not None:
        raise Conflict(f'the username "{username}" is taken', username=username)
    if role == CO_CHAIR and joined is not None:
        _check_no_co_chair(session, joined)
    at = audit.now()
    member = Member(
        username=username,
        party_id=joined.id if joined is not None else None,
        name=name,
        role=role,
        password_hash=hash_password(password),
        active=True,
        created_at=at,
        password_changed_at=at,
    )
    session.add(member)
    session.flush()
    return audited(
        session, member, actor=actor, action="add", after=_fields(as_info(member, joined))
    )


def _check_no_co_chair(session: Session, party: Party) -> None:
    """Refuse a second active co-chair: the signing of a round relies on one per party."""
    query = select(Member.username).where(
        Member.party_id == party.id, Member.role == CO_CHAIR, Member.active.is_(True)
    )
    current = session.scalar(query)
    if current is not None:
        raise Conflict(
            f"party {party.key} of {party.commission_id} already has an active co-chair"
            f" ({current}); disable them first"
        )


def list_members(session: Session, *, commission_id: str | None = None) -> list[MemberInfo]:
    """Every member (of one commission's parties when ``commission_id`` is given)."""
    query = with_party(select(Member, Party))
    if commission_id is not None:
        if session.get(Commission, commission_id) is None:
            known = list(session.scalars(select(Commission.id).order_by(Commission.id)))
            raise not_found("commission", commission_id, known, "this database")
        query = query.where(Party.commission_id == commission_id)
    rows = session.execute(query.order_by(Party.commission_id, Party.key, Member.username))
    return [as_info(member, party) for member, party in rows]


def get_member(session: Session, *, username: str) -> MemberInfo:
    """The member with ``username``."""
    return info(session, find(session, username))


def end_sessions(session: Session, member_id: int, at: datetime, keep: str | None = None) -> int:
    """End the member's open sessions (but the one whose digest is ``keep``); how many."""
    query = select(LoginSession).where(
        LoginSession.member_id == member_id, LoginSession.ended_at.is_(None)
    )
    ended = 0
    for login in session.scalars(query):
        if login.digest != keep:
            login.ended_at = at
            ended += 1
    return ended


def revoke_tokens(session: Session, member_id: int, at: datetime) -> int:
    """Revoke the member's API tokens that still work; how many."""
    tokens = select(ApiToken).where(ApiToken.member_id == member_id, ApiToken.revoked_at.is_(None))
    revoked = 0
    for token in session.scalars(tokens):
        token.revoked_at = at
        revoked += 1
    return revoked


def disable_member(session: Session, *, actor: Actor, username: str) -> MemberInfo:
    """Disable a member: their sessions end and their API tokens are revoked."""
    require_admin(actor, "disable members")
    audit.lock_chain(session)
    member = find(session, username)
    if not member.active:
        raise Conflict(f"{member.username} is already disabled")
    member.active = False
    at = audit.now()
    ended = end_sessions(session, member.id, at)
    revoked = revoke_tokens(session, member.id, at)
    return audited(
        session,
        member,
        actor=actor,
        action="disable",
        before={"active": True},
        after={"active": False, "sessions_ended": ended, "tokens_revoked": revoked},
    )


def _set_password(member: Member, password: str, at: datetime) -> None:
    member.password_hash = hash_password(password)
    member.password_changed_at = at


def reset_password(session: Session, *, actor: Actor, username: str, password: str) -> MemberInfo:
    """Set a member's password (an administrator's reset): their sessions end, tokens stop."""
    require_admin(actor, "reset passwords")
    check_new(password)
    audit.lock_chain(session)
    member = find(session, username)
    at = audit.now()
    _set_password(member, password, at)
    ended = end_sessions(session, member.id, at)
    revoked = revoke_tokens(session, member.id, at)  # a reset answers a suspected compromise
    after = {
        "password_changed_at": at.isoformat(),
        "sessions_ended": ended,
        "tokens_revoked": revoked,
    }
    return audited(session, member, actor=actor, action="reset_password", after=after)


def change_password(
    session: Session,
    *,
    actor: Actor,
    current: str,
    new: str,
    keep_session_token: str | None = None,
) -> None:
    """A member changes their own password; their other sessions end.

    A wrong current password counts as a failed sign-in of the account (a stolen session
    cannot guess it without limit). Call it in a transaction that has not locked the chain.
    """
    if actor.kind != "member" or actor.member_id is None:
        raise Forbidden("only a signed-in member changes their own password")
    check_new(new)
    member = session.get(Member, actor.member_id)
    if member is None or not member.active:
        raise NotSignedIn("sign in again")
    at = audit.now()
    attempt = _count_attempt(session, member.username, f"password:{member.id}", at)
    if not verify(member.password_hash, current):  # the attempt stays counted
        raise Forbidden("the current password is wrong")
    audit.lock_chain(session)  # only once the slow check is done, as for a sign-in
    _forget_attempt(session, attempt)
    _set_password(member, new, at)
    keep = digest(keep_session_token) if keep_session_token is not None else None
    ended = end_sessions(session, member.id, at, keep=keep)
    after = {"password_changed_at": at.isoformat(), "sessions_ended": ended}
    audited(session, member, actor=actor, action="change_password", after=after)


def _count_attempt(session: Session, username: str, address: str, at: datetime) -> int:
    """Count this attempt as failed at once, then refuse it if it is one too many; its id.

    The attempt is committed in a transaction of its own, before the password is checked:
    attempts sent in parallel all count, and none slips under the limit while the others
    are being checked. The caller deletes it (:func:`_forget_attempt`) when the password
    was right.
    """
    _check_rate(session, username, address, at)
    with Session(session.get_bind()) as own, own.begin():
        attempt = SignInAttempt(username=username, address=address, at=at)
        own.add(attempt)
        own.flush()
        ident = attempt.id
    try:
        _check_rate(session, username, address, at, counting_own=True)
    except TooManyAttempts:
        with Session(session.get_bind()) as own, own.begin():  # refused before any check
            _forget_attempt(own, ident)
        raise
    return ident


def _forget_attempt(session: Session, ident: int) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.id == ident))


def _check_rate(
    session: Session, username: str, address: str, at: datetime, *, counting_own: bool = False
) -> None:
    """Refuse a sign-in after too many failed ones for the account or from the address."""
    for column, value, limit in (
        (SignInAttempt.username, username, PER_ACCOUNT),
        (SignInAttempt.address, address, PER_ADDRESS),
    ):
        query = (
            select(SignInAttempt.at)
            .where(column == value, SignInAttempt.at > at - WINDOW)
            .order_by(SignInAttempt.at.desc())
            .limit(limit + counting_own)
        )
        recent = session.scalars(query).all()
        if (
            len(recent) >= limit + counting_own
        ):  # once the oldest of these leaves the window, one is free
            minutes = max(1, math.ceil((recent[-1] + WINDOW - at).total_seconds() / 60))
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {minutes}"
                f" minute{'' if minutes == 1 else 's'}",
                minutes=minutes,
            )


def sign_in(session: Session, *, username: str, password: str, address: str) -> SignedIn:
    """Check a member's password and open a new session (its id is shown this once).

    A failed sign-in is recorded and committed before NotSignedIn is raised: it must count
    towards the limits even though the caller rolls back on the error. The audit chain is
    locked only after the password is checked (argon2 takes a third of a second), so that
    sign-ins do not queue every other write behind them: call it in a transaction that has
    not locked the chain yet.
    """
    wanted = username.strip().lower()
    counted, address = wanted[:USERNAME], address[:ADDRESS]  # as the attempts table keeps them
    at = audit.now()
    attempt = _count_attempt(session, counted, address, at)
    member = session.scalar(select(Member).where(Member.username == wanted))
    if member is None:
        verify_nobody(password)  # as long as a wrong password takes
    if member is None or not verify(member.password_hash, password) or not member.active:
        raise NotSignedIn(WRONG)  # the attempt stays counted
    # the slow password check is done: only now hold off the other writers, briefly
    audit.lock_chain(session)
    _forget_attempt(session, attempt)  # a success is not a failure
    session.refresh(member)
    if not member.active:  # disabled while the password was being checked
        raise NotSignedIn(WRONG)
    if needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = at + timedelta(hours=get_settings().session_hours)
    login = LoginSession(
        digest=digest(token), member_id=member.id, csrf=csrf, created_at=at, expires_at=expires
    )
    session.add(login)
    session.flush()
    after = {"session": login.id, "address": address, "expires_at": expires.isoformat()}
    signed = audited(session, member, actor=None, action="sign_in", after=after)
    return SignedIn(token=token, csrf=csrf, expires_at=expires, member=signed)


def authenticate(session: Session, *, token: str) -> Authenticated | None:
    """The member of an open session (None: unknown, ended, expired, or member disabled)."""
    query = with_party(
        select(LoginSession, Member, Party).join(Member, Member.id == LoginSession.member_id)
    ).where(
        LoginSession.digest == digest(token),
        LoginSession.ended_at.is_(None),
        LoginSession.expires_at > audit.now(),
        Member.active.is_(True),
    )
    row = session.execute(query).first()
    if row is None:
        return None
    login, member, party = row
    return Authenticated(member=as_info(member, party), csrf=login.csrf)


def sign_out(session: Session, *, token: str) -> None:
    """End the session ``token`` names (nothing to do if it is unknown or already ended)."""
    audit.lock_chain(session)
    query = select(LoginSession).where(
        LoginSession.digest == digest(token), LoginSession.ended_at.is_(None)
    )
    login = session.scalar(query)
    if login is None:
        return
    login.ended_at = audit.now()
    audited(
        session,
        session.get_one(Member, login.member_id),
        actor=None,
        action="sign_out",
        on=("session", login.id),
        after={"ended_at": login.ended_at.isoformat()},
    )
