"""The demonstration's people, its exercise round and meeting, made through the same services
as real work.

``hmc demo`` gives the default commission a member of every role on both sides, one signed
*exercise* round and one exercise working meeting: clearly labelled, their texts saying
they are an exercise, so the pages show the whole workflow (drafts, divergence, a dispute,
two signatures; an agenda built from the round, minutes, a decision approved by both
co-chairs, an action) without pretending to be a real assessment or a real meeting.

It also imports five exercise news reports (``data/exercise_news``: three in English, two in
Arabic, from the made-up outlet "Exercise Wire"), and each party's analyst accepts some of
what hmc proposed from them (an event and a position each), editing what the extraction
got wrong, so that the review queue, the positions and the events show the whole path; a
count and a statement are left awaiting review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.accounts import MemberInfo, add_member, list_members
from hmc.actor import Actor
from hmc.assessment import service
from hmc.assessment.views import list_rounds, round_view
from hmc.framework.service import framework
from hmc.meetings import decisions
from hmc.meetings import service as meetings
from hmc.meetings.views import list_meetings, meeting_view
from hmc.news.becoming import grade_outlet
from hmc.news.importing import import_news
from hmc.news.models import NewsItem
from hmc.news.review import decide
from hmc.news.schemas import DecisionWrite, ItemEdit

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
MEETING = "Exercise — working meeting, 27 January 2024 (not a real meeting)"
MEETING_DAY = date(2024, 1, 27)  # the first working meeting of the commission
ACTION_DUE = date(2024, 2, 24)
OUTLET = "Exercise Wire"  # the made-up outlet of the exercise reports
OUTLET_GRADE = "C"  # "fairly reliable", as the exercise's co-chair judges it
# The exercise reports' items a party's analyst decides: (file, the item's place in the
# report) → (party, the fields changed before accepting). The rest await review, among them
# the count of attacks on US forces: the bundled series has the same running total, and
# counts of one period are summed across sources, so accepting it would count them twice.
ACCEPTED: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {
    ("exercise-en-1-anbar-rockets.txt", 0): ("us", {"date": date(2024, 1, 20)}),  # "Saturday"
    ("exercise-en-3-statements.txt", 0): ("us", {}),
    ("exercise-ar-1-kirkuk.txt", 0): ("iq", {"killed": 2}),  # «قُتل جنديان»
    ("exercise-ar-2-timeline.txt", 0): ("iq", {}),
}


@dataclass(frozen=True)
class Exercise:
    members: list[MemberInfo]
    round_id: int | None  # None: the commission had it already
    meeting_id: int | None = None  # None: the commission had it already


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
    """The demonstration members and, unless the commission has them, the exercise round
    and meeting; the exercise news reports, and the decisions on their items."""
    members = people(session, actor=actor, commission_id=commission_id)
    by_name = {m.username: m.actor for m in members}
    chair = by_name[username("us", "co_chair")]
    rounds = list_rounds(session, viewer=chair, commission_id=commission_id)
    round_id = (
        None if any(r.exercise for r in rounds) else _round(session, by_name, chair, commission_id)
    )
    meeting_id = _meeting(session, by_name, chair, commission_id)
    _news(session, actor, by_name, commission_id)
    return Exercise(members, round_id, meeting_id)


def exercise_news() -> Path:
    """The folder of the exercise news reports and their manifest."""
    return Path(str(files("hmc") / "data" / "exercise_news"))


def _news(session: Session, actor: Actor, by_name: dict[str, Actor], commission_id: str) -> None:
    """Import the exercise reports (as ``actor``, as the bundled data); a co-chair grades
    their outlet; each party's analyst decides the items ``ACCEPTED`` names (those still
    awaiting review)."""
    chair = by_name[username("us", "co_chair")]
    imported = import_news(session, path=exercise_news(), actor=actor)
    grade_outlet(session, actor=chair, commission_id=commission_id, outlet=OUTLET,
                 reliability=OUTLET_GRADE)  # fmt: skip
    for report in imported:
        items = session.scalars(
            select(NewsItem).where(NewsItem.report_id == report.report_id)
            .order_by(NewsItem.span_start, NewsItem.id)
        ).all()  # fmt: skip
        for place, item in enumerate(items):
            chosen = ACCEPTED.get((Path(report.file).name, place))
            if chosen is None or item.state != "proposed":
                continue
            party, changed = chosen
            decision = DecisionWrite(decision="edit", changes=ItemEdit(**changed)) if changed \
                else DecisionWrite(decision="accept")  # fmt: skip
            decide(session, actor=by_name[username(party, "analyst")],
                   commission_id=commission_id, item_id=item.id, decision=decision)  # fmt: skip


def _round(session: Session, by_name: dict[str, Actor], chair: Actor, commission_id: str) -> int:
    """The signed exercise round."""
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
    return opened.id


def _meeting(
    session: Session, by_name: dict[str, Actor], chair: Actor, commission_id: str
) -> int | None:
    """The exercise meeting after the round: its agenda, minutes, a decision and an action."""
    if any(m.exercise for m in list_meetings(session, viewer=chair, commission_id=commission_id)):
        return None
    made = meetings.schedule(
        session,
        actor=chair,
        commission_id=commission_id,
        title=MEETING,
        day=MEETING_DAY,
        start=time(10, 0),
        place="Baghdad",
        format="in_person",
        exercise=True,
    )
    parties = [p for p in ("us", "iq") if username(p, "co_chair") in by_name]
    for party in parties:
        meetings.name_attendees(
            session,
            actor=by_name[username(party, "co_chair")],
            meeting_id=made.id,
            usernames=[username(party, "co_chair"), username(party, "analyst")],
        )
    first = meeting_view(session, viewer=chair, meeting_id=made.id).agenda[0]
    for party in parties:
        meetings.save_minutes(
            session,
            actor=by_name[username(party, "analyst")],
            meeting_id=made.id,
            item_id=first.id,
            text=f"EXERCISE ONLY: minutes of this item by {party}.",
        )
        meetings.share_minutes(
            session,
            actor=by_name[username(party, "co_chair")],
            meeting_id=made.id,
            item_id=first.id,
        )
    decided = decisions.propose(
        session,
        actor=chair,
        meeting_id=made.id,
        item_id=first.id,
        text="EXERCISE ONLY: the parties review the disputed rating together in the next round.",
    )
    for party in parties:
        decisions.approve(
            session,
            actor=by_name[username(party, "co_chair")],
            meeting_id=made.id,
            decision_id=decided,
            version=1,
        )
    owner = username(parties[-1], "analyst")
    meetings.add_action(
        session,
        actor=chair,
        meeting_id=made.id,
        item_id=first.id,
        owner=owner,
        due=ACTION_DUE,
        text="EXERCISE ONLY: share the sources behind the disputed rating.",
    )
    return made.id
