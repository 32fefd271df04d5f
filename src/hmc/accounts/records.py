"""Members, sign-ins and tokens as plain, immutable records: what services hand to interfaces.

No record holds a password hash or a token's digest; a plain session id or token is in a
record only where it is made (:class:`SignedIn`, the return of ``create_token``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hmc.actor import Actor


@dataclass(frozen=True)
class MemberInfo:
    """A member: a party's (``party``, ``commission_id`` set) or an administrator (None)."""

    id: int
    username: str
    name: str
    role: str
    party: str | None  # the party's key, e.g. "us"
    commission_id: str | None
    active: bool

    @property
    def actor(self) -> Actor:
        """The member as the actor of what they do.

        >>> MemberInfo(3, "amina", "Amina", "analyst", "iq", "hmc-iraq-2024", True).actor
        Actor(kind='member', name='amina', member_id=3, party='iq', role='analyst', commission_id='hmc-iraq-2024')
        """  # noqa: E501
        return Actor(
            kind="member",
            name=self.username,
            member_id=self.id,
            party=self.party,
            role=self.role,
            commission_id=self.commission_id,
        )


@dataclass(frozen=True)
class SignedIn:
    """A new session: its id (the cookie's value, shown this once) and its CSRF token."""

    token: str
    csrf: str
    expires_at: datetime
    member: MemberInfo


@dataclass(frozen=True)
class Authenticated:
    """The member a valid session belongs to, and the CSRF token its forms must carry."""

    member: MemberInfo
    csrf: str


@dataclass(frozen=True)
class TokenInfo:
    """A personal API token as listed: never the token itself."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None  # None: it does not expire
    revoked_at: datetime | None
