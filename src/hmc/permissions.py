"""Who may do what in a commission, by name: the one place that answers "may this member
do this here", decided from the actor's party and role alone.

A service enforces a permission with :func:`require` (or :func:`acting_party` when it
needs the party the member acts for); a page or the API asks :func:`may` by the same name
to decide what to offer. Whether the thing can be done *now* (a round's state, a
decision already approved) is the service's to say: a permission is about who, not when.

>>> iq_chair = Actor("member", "amina", 1, party="iq", role="co_chair", commission_id="c")
>>> observer = Actor("member", "olga", 2, party="us", role="observer", commission_id="c")
>>> may(iq_chair, Permission.SIGN, "c"), may(observer, Permission.SIGN, "c")
(True, False)
>>> may(observer, Permission.READ_ROUNDS, "c"), may(observer, Permission.READ_ROUNDS, "other")
(True, False)
>>> acting_party(iq_chair, Permission.DRAFT_RATING, "c")
'iq'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from hmc.actor import Actor
from hmc.errors import Forbidden

DRAFTERS = ("co_chair", "member", "analyst")  # the roles that work for their party
CO_CHAIR_ONLY = "only a co-chair may do this"


class Permission(StrEnum):
    """What a member may do in a commission."""

    READ_ROUNDS = "read_rounds"  # its rounds, and the ratings they may see in them
    READ_MEETINGS = "read_meetings"  # its meetings, with the minutes they may see
    READ_TRAIL = "read_trail"  # its audit trail, less other parties' drafts
    READ_REPORT = "read_report"
    OPEN_ROUND = "open_round"
    DRAFT_RATING = "draft_rating"
    SUBMIT = "submit"
    RECONCILE = "reconcile"
    SIGN = "sign"
    AMEND = "amend"
    COMPUTE_TIMELINE = "compute_timeline"
    SCHEDULE_MEETING = "schedule_meeting"
    NAME_ATTENDEES = "name_attendees"
    ARRANGE_AGENDA = "arrange_agenda"
    DRAFT_MINUTES = "draft_minutes"
    SHARE_MINUTES = "share_minutes"
    PROPOSE_DECISION = "propose_decision"
    APPROVE_DECISION = "approve_decision"
    RECORD_ACTION = "record_action"
    UPDATE_ACTION = "update_action"  # a co-chair, or a drafter of the action's owner party
    READ_REVIEW = "read_review"  # the news review queue and the parties' positions
    REVIEW_NEWS = "review_news"  # accept, edit, reject or merge what hmc proposes from news
    GRADE_OUTLET = "grade_outlet"  # set a news outlet's reliability (A-F)


Who = Literal["reader", "drafter", "co_chair", "owner"]


@dataclass(frozen=True)
class Rule:
    """Who holds a permission, and what a member who does not is told."""

    who: Who
    refusal: str  # may name {commission}


READ = "only members of {commission} may see its "
RULES: dict[Permission, Rule] = {
    Permission.READ_ROUNDS: Rule("reader", READ + "rounds"),
    Permission.READ_MEETINGS: Rule("reader", READ + "meetings"),
    Permission.READ_TRAIL: Rule("reader", READ + "audit trail"),
    Permission.READ_REPORT: Rule("reader", READ + "report"),
    Permission.READ_REVIEW: Rule("reader", READ + "news review"),
    Permission.REVIEW_NEWS: Rule(
        "drafter", "only co-chairs, members and analysts of a party may review news items"
    ),
    Permission.DRAFT_RATING: Rule(
        "drafter", "only co-chairs, members and analysts of a party may rate"
    ),
    Permission.DRAFT_MINUTES: Rule(
        "drafter", "only co-chairs, members and analysts of a party may write minutes"
    ),
    Permission.COMPUTE_TIMELINE: Rule(
        "drafter", "only co-chairs, members and analysts of a party compute timelines"
    ),
    Permission.UPDATE_ACTION: Rule(
        "owner", "only a co-chair or the owner's party may change an action"
    ),
    **{
        p: Rule("co_chair", CO_CHAIR_ONLY)
        for p in (
            Permission.OPEN_ROUND,
            Permission.SUBMIT,
            Permission.RECONCILE,
            Permission.SIGN,
            Permission.AMEND,
            Permission.SCHEDULE_MEETING,
            Permission.NAME_ATTENDEES,
            Permission.ARRANGE_AGENDA,
            Permission.SHARE_MINUTES,
            Permission.PROPOSE_DECISION,
            Permission.APPROVE_DECISION,
            Permission.RECORD_ACTION,
            Permission.GRADE_OUTLET,
        )
    },
}


def drafting_party(actor: Actor, commission_id: str) -> str | None:
    """The party whose drafts ``actor`` reads and writes in ``commission_id`` (None: none)."""
    if actor.kind != "member" or actor.commission_id != commission_id:
        return None
    return actor.party if actor.role in DRAFTERS else None


def may(
    actor: Actor, permission: Permission, commission_id: str, *, owner: str | None = None
) -> bool:
    """Whether ``actor`` may do ``permission`` in ``commission_id`` (``owner``: the party
    that owns the thing, for a permission its owner's party holds too)."""
    who = RULES[permission].who
    if who == "reader":
        return actor.kind == "member" and (
            actor.role == "admin" or actor.commission_id == commission_id
        )
    party = drafting_party(actor, commission_id)
    if party is None or who == "drafter":
        return party is not None
    return actor.role == "co_chair" or (who == "owner" and party == owner)


def require(
    actor: Actor, permission: Permission, commission_id: str, *, owner: str | None = None
) -> None:
    """Refuse (Forbidden) an ``actor`` who may not do ``permission`` in ``commission_id``."""
    if not may(actor, permission, commission_id, owner=owner):
        raise Forbidden(RULES[permission].refusal.format(commission=commission_id))


def acting_party(
    actor: Actor, permission: Permission, commission_id: str, *, owner: str | None = None
) -> str:
    """The party ``actor`` does ``permission`` for, or Forbidden (readers act for none)."""
    require(actor, permission, commission_id, owner=owner)
    party = drafting_party(actor, commission_id)
    if party is None:
        raise Forbidden(RULES[permission].refusal.format(commission=commission_id))
    return party


@dataclass(frozen=True)
class Grants:
    """What one member may do in one commission: what a page asks before offering a form.

    >>> amina = Actor("member", "amina", 1, party="iq", role="analyst", commission_id="c")
    >>> grants = Grants(amina, "c")
    >>> grants.may("draft_minutes"), grants.may("sign"), grants.may("update_action", owner="iq")
    (True, False, True)
    """

    actor: Actor
    commission_id: str

    def may(self, permission: str, *, owner: str | None = None) -> bool:
        """Whether the member may do ``permission`` (its name) here."""
        return may(self.actor, Permission(permission), self.commission_id, owner=owner)
