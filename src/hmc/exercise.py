"""The demonstration's people and its exercise round, made through the same services as real work.

``hmc demo`` gives the default commission a member of every role on both sides and one
signed *exercise* round: clearly labelled, its rationales saying they are an exercise, so
the dashboard shows the whole workflow (drafts, divergence, a dispute, two signatures)
without pretending to be a real assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from hmc.accounts import Actor, MemberInfo, add_member, list_members
from hmc.assessment import service
from hmc.assessment.views import list_rounds, round_view
from hmc.framework.service import framework

PASSWORD = "exercise-only-password"  # printed by 'hmc demo'; for the demonstration only
ROLES = ("co_chair", "analyst", "member", "observer")
ROUND = "Exercise — January 2024 (not a real assessment)"
AS_OF = date(2024, 1, 21)  # the last week the first working meeting (27 January) could review
SIGNED_ON = date(2024, 1, 25)
# Levels each side gives, per rated indicator: some agree, one is two levels apart.
LEVELS = {
    "isf_counter_terrorism": (4, 4),
    "isf_intelligence": (2, 4),
    "isf_air_and_fires": (2, 3),
    "isf_logistics": (2, 3),
    "isf_command": (3, 4),
    "isf_border_security": (3, 3),
    "isf_training": (3, 4),
}
DISPUTED = "isf_intelligence"


@dataclass(frozen=True)
class Exercise:
    members: list[MemberInfo]
    round_id: int | None  # None: the commission had it already


def username(party: str, role: str) -> str:
    """The demonstration member of ``party`` with ``role``, e.g. ``us-co-chair``."""
    return f"{party}-{role.replace('_', '-')}"


def people(session: Session, *, actor: Actor, commission_id: str) -> list[MemberInfo]:
    """An administrator and a member of every role on each side (those missing are added)."""
    have = {m.username: m for m in list_members(session)}
    wanted = [("admin", "admin", None)] + [
        (username(p.key, role), role, p.key)
        for p in framework(session, commission_id=commission_id).commission.parties
        for role in ROLES
    ]
    made = []
    for name, role, party in wanted:
        member = have.get(name) or add_member(
            session,
            actor=actor,
            username=name,
            name=f"Exercise {name}",
            role=role,
            password=PASSWORD,
            commission_id=None if party is None else commission_id,
            party=party,
        )
        made.append(member)
    return made


def exercise(session: Session, *, actor: Actor, commission_id: str) -> Exercise:
    """The demonstration members and, unless the commission has one, the exercise round."""
    members = people(session, actor=actor, commission_id=commission_id)
    by_name = {m.username: m.actor for m in members}
    chair = by_name[username("us", "co_chair")]
    if any(r.exercise for r in list_rounds(session, viewer=chair, commission_id=commission_id)):
        return Exercise(members, None)
    parties = [p for p in ("us", "iq") if username(p, "co_chair") in by_name]
    opened = service.open_round(
        session, actor=chair, commission_id=commission_id, name=ROUND, as_of=AS_OF, exercise=True
    )
    for side, party in enumerate(parties):
        analyst = by_name[username(party, "analyst")]
        for item in round_view(session, viewer=analyst, round_id=opened.id).items:
            level = LEVELS.get(item.indicator.key, (3, 3))[side]
            label = next(x.label for x in item.levels if x.value == level)
            service.save_rating(
                session,
                actor=analyst,
                item_id=item.id,
                level=level,
                confidence="medium",
                rationale=f"EXERCISE ONLY: {party} analyst's illustrative rating"
                f" ({label}); not a real assessment.",
            )
        service.submit(session, actor=by_name[username(party, "co_chair")], round_id=opened.id)
    for item in round_view(session, viewer=chair, round_id=opened.id).items:
        disputed = item.indicator.key == DISPUTED
        service.reconcile(
            session,
            actor=chair,
            item_id=item.id,
            level=None if disputed else min(r.level for r in item.ratings.values()),
            disputed=disputed,
            note="EXERCISE ONLY: the parties keep their own ratings." if disputed else "",
        )
    for party in parties:
        chair_of = by_name[username(party, "co_chair")]
        service.sign(session, actor=chair_of, round_id=opened.id, on=SIGNED_ON)
    return Exercise(members, opened.id)
