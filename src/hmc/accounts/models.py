"""Members and how they prove who they are: password hashes, sessions, personal API tokens.

Session ids and API tokens are random secrets shown once; only their SHA-256 digests are
stored, so a copy of the database lets nobody sign in. Passwords are hashed with argon2.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base

ROLES = ("co_chair", "member", "analyst", "observer", "admin")
USERNAME = 64
DIGEST = 64  # a SHA-256 digest in hex


class Member(Base):
    """A person: one party's member with a role, or an installation's administrator (no party)."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME), unique=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)


class LoginSession(Base):
    """A signed-in browser: found by the digest of its cookie, ended by expiry or sign-out."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(DIGEST), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(DIGEST))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class ApiToken(Base):
    """A personal token for API clients (``Authorization: Bearer …``), stored as its digest."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(DIGEST), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInAttempt(Base):
    """A failed sign-in, counted per account and per address to slow down guessing."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_username_at", "username", "at"),
        Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
