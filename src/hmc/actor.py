"""The acting person (or system actor) every writing service takes, so writes are accountable.

An ``Actor`` is passed in explicitly, never read from global state: the interface that
received the request or command knows who asked, and hands that on to the service, which
decides from the actor's party and role what it may see and do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Actor:
    """Who does a write: a member (``member_id`` set) or a named system actor.

    >>> Actor.system("hmc init")
    Actor(kind='system', name='hmc init', member_id=None, party=None, role=None, commission_id=None)
    >>> str(Actor.system("hmc import"))
    'system:hmc import'
    >>> str(Actor(kind="member", name="amina", member_id=3, party="iq", role="analyst"))
    'member:3'
    """

    kind: Literal["member", "system"]
    name: str
    member_id: int | None = None
    party: str | None = None  # the member's party key (None: an administrator, or the system)
    role: str | None = None  # co_chair | member | analyst | observer | admin
    commission_id: str | None = None  # the commission the member's party belongs to

    @classmethod
    def system(cls, name: str) -> Actor:
        """A named system actor, for administrative commands and jobs."""
        return cls(kind="system", name=name)

    def __str__(self) -> str:
        """How the actor is recorded beside a write (``system:NAME`` or ``member:ID``)."""
        return f"system:{self.name}" if self.kind == "system" else f"member:{self.member_id}"
