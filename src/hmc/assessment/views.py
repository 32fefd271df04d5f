"""Reading rounds as one viewer may see them: lists, a round's items, divergence, agreement.

Another party's ratings are read from the database only once the round is released (or,
for the viewer's own party, while it drafts), so nothing private can reach a record.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.accounts.models import Member
from hmc.actor import Actor
from hmc.assessment.agreement import agreement
from hmc.assessment.models import JointRating, Rating, Round, RoundItem, Signature, Submission
from hmc.assessment.records import (
    Agreement,
    Divergence,
    ItemView,
    JointInfo,
    RatingInfo,
    RoundInfo,
    RoundView,
    SignatureInfo,
)
from hmc.errors import Conflict, NotFound
from hmc.framework.models import Party
from hmc.framework.records import Framework
from hmc.framework.service import framework
from hmc.permissions import Permission, drafting_party, require

RELEASED = ("released", "signed")


def get_round(session: Session, round_id: int) -> Round:
    """The round ``round_id`` (the table row, for services), or NotFound."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise NotFound(f"no round {round_id}", round=round_id)
    return round_


def parties(session: Session, commission_id: str) -> list[str]:
    """The keys of the commission's parties."""
    query = select(Party.key).where(Party.commission_id == commission_id).order_by(Party.id)
    return list(session.scalars(query))


def _framework(session: Session, round_: Round) -> Framework:
    return framework(session, commission_id=round_.commission_id, version=round_.framework_version)


def item_labels(session: Session, round_: Round, indicator_key: str) -> list[int]:
    """The levels of the scale an item is rated on."""
    scale = _framework(session, round_).indicator(indicator_key).scale
    return [level.value for level in scale.levels] if scale else []


def info(session: Session, round_: Round) -> RoundInfo:
    """The round's header, with who submitted and who signed."""
    submitted = session.scalars(
        select(Submission.party_key).where(Submission.round_id == round_.id)
    ).all()
    signed = session.scalars(
        select(Signature.party_key).where(Signature.round_id == round_.id)
    ).all()
    return RoundInfo(
        id=round_.id,
        commission_id=round_.commission_id,
        name=round_.name,
        as_of=round_.as_of,
        state=round_.state,
        framework_version=round_.framework_version,
        flag_gap=round_.flag_gap,
        exercise=round_.exercise,
        amends_id=round_.amends_id,
        opened_by=round_.opened_by,
        opened_at=round_.opened_at,
        released_at=round_.released_at,
        signed_on=round_.signed_on,
        submitted=tuple(sorted(submitted)),
        signed_by=tuple(sorted(signed)),
    )


def list_rounds(session: Session, *, viewer: Actor, commission_id: str) -> list[RoundInfo]:
    """The commission's rounds, newest first."""
    require(viewer, Permission.READ_ROUNDS, commission_id)
    query = (
        select(Round)
        .where(Round.commission_id == commission_id)
        .order_by(Round.as_of.desc(), Round.id.desc())
    )
    return [info(session, r) for r in session.scalars(query)]


def released_rounds(session: Session, *, commission_id: str | None = None) -> set[int]:
    """Ids of the rounds whose ratings both parties see (for the audit trail's visibility)."""
    query = select(Round.id).where(Round.state.in_(RELEASED))
    if commission_id is not None:
        query = query.where(Round.commission_id == commission_id)
    return set(session.scalars(query))


def _rating(r: Rating) -> RatingInfo:
    return RatingInfo(
        id=r.id,
        item_id=r.item_id,
        party=r.party_key,
        level=r.level,
        confidence=r.confidence,
        rationale=r.rationale,
        evidence=tuple(r.evidence),
        version=r.version,
        updated_by=r.updated_by,
        updated_at=r.updated_at,
    )


def _joint(j: JointRating) -> JointInfo:
    return JointInfo(j.item_id, j.level, j.disputed, j.note, j.version, j.decided_by, j.decided_at)


def round_view(session: Session, *, viewer: Actor, round_id: int) -> RoundView:
    """The round's items with the ratings ``viewer`` may see: their own party's drafts, and
    every party's once released."""
    round_ = get_round(session, round_id)
    require(viewer, Permission.READ_ROUNDS, round_.commission_id)
    own = drafting_party(viewer, round_.commission_id)
    current = _framework(session, round_)
    items = session.scalars(
        select(RoundItem).where(RoundItem.round_id == round_.id).order_by(RoundItem.position)
    ).all()
    ids = [i.id for i in items]
    query = select(Rating).where(Rating.item_id.in_(ids))
    if round_.state not in RELEASED:  # own drafts only; an observer's "own" is None: none
        query = query.where(Rating.party_key == own)
    ratings: dict[int, dict[str, RatingInfo]] = defaultdict(dict)
    for r in session.scalars(query):
        ratings[r.item_id][r.party_key] = _rating(r)
    joints = {
        j.item_id: _joint(j)
        for j in session.scalars(select(JointRating).where(JointRating.item_id.in_(ids)))
    }
    views = []
    for item in items:
        indicator = current.indicator(item.indicator_key)
        views.append(
            ItemView(
                id=item.id,
                indicator=indicator,
                area=current.area(item.area_key) if item.area_key else None,
                levels=indicator.scale.levels if indicator.scale else (),
                ratings=dict(ratings.get(item.id, {})),
                joint=joints.get(item.id),
            )
        )
    signatures = session.execute(
        select(Signature, Member.username)
        .join(Member, Member.id == Signature.member_id)
        .where(Signature.round_id == round_.id)
        .order_by(Signature.signed_at)
    ).all()
    return RoundView(
        round=info(session, round_),
        parties=tuple(parties(session, round_.commission_id)),
        viewer_party=own,
        items=tuple(views),
        signatures=tuple(
            SignatureInfo(s.party_key, username, s.signed_at, s.audit_head)
            for s, username in signatures
        ),
    )


def divergence(session: Session, *, viewer: Actor, round_id: int) -> Divergence:
    """Per item both levels and the gap; agreement over the round and per factor."""
    view = round_view(session, viewer=viewer, round_id=round_id)
    if view.round.state not in RELEASED:
        raise Conflict(
            f'round "{view.round.name}" is not released yet: divergence is shown once both'
            " parties have submitted"
        )
    return _divergence(view)


def _divergence(view: RoundView) -> Divergence:
    first, second = view.parties[0], view.parties[-1]
    both = [i for i in view.items if first in i.ratings and second in i.ratings]
    labels = sorted({level.value for i in view.items for level in i.levels})

    def over(items: list[ItemView]) -> Agreement:
        pairs = [(i.ratings[first].level, i.ratings[second].level) for i in items]
        return agreement(pairs, labels=labels)

    factors: dict[str, list[ItemView]] = defaultdict(list)
    for item in both:
        factors[item.indicator.factor.key].append(item)
    return Divergence(
        round=view.round,
        overall=over(both),
        by_factor={key: over(items) for key, items in factors.items()},
        items=view.items,
        flagged=tuple(view.flagged),
    )


def agreement_history(session: Session, *, viewer: Actor, commission_id: str) -> list[Divergence]:
    """Divergence of every released or signed round of the commission, oldest first."""
    rounds = list_rounds(session, viewer=viewer, commission_id=commission_id)
    released = [r for r in reversed(rounds) if r.state in RELEASED]
    return [_divergence(round_view(session, viewer=viewer, round_id=r.id)) for r in released]
