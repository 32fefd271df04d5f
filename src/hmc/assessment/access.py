"""Who may do what in a round, decided from the actor's party and role alone."""

from __future__ import annotations

from hmc.actor import Actor
from hmc.errors import Forbidden

DRAFTERS = ("co_chair", "member", "analyst")


def drafting_party(actor: Actor, commission_id: str) -> str | None:
    """The party whose drafts ``actor`` may read and write in ``commission_id`` (None: none)."""
    if actor.kind != "member" or actor.commission_id != commission_id:
        return None
    return actor.party if actor.role in DRAFTERS else None


def reader(actor: Actor, commission_id: str, what: str = "rounds") -> None:
    """Refuse anyone who is not a member of the commission, nor an administrator."""
    if actor.kind == "member" and (actor.role == "admin" or actor.commission_id == commission_id):
        return
    raise Forbidden(f"only members of {commission_id} may see its {what}")


def drafter(actor: Actor, commission_id: str) -> str:
    """The party ``actor`` drafts for, or Forbidden (observers and administrators do not rate)."""
    party = drafting_party(actor, commission_id)
    if party is None:
        raise Forbidden("only co-chairs, members and analysts of a party may rate")
    return party


def co_chair(actor: Actor, commission_id: str) -> str:
    """The party ``actor`` co-chairs, or Forbidden."""
    party = drafting_party(actor, commission_id)
    if party is None or actor.role != "co_chair":
        raise Forbidden("only a co-chair may do this")
    return party
