"""The round's workflow: open, draft, submit, release, reconcile, sign, amend.

Each function is one write, checked against the actor's party and role, audited in the
same transaction. A party's draft is audited as private to that party; its submission is
released to both parties with the round.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.assessment import DEFAULT_FLAG_GAP
from hmc.assessment.evidence_links import links
from hmc.assessment.models import (
    CONFIDENCES,
    RATIONALE,
    JointRating,
    Rating,
    Round,
    RoundItem,
    Signature,
    Submission,
)
from hmc.assessment.records import RoundInfo, joint_digest
from hmc.assessment.views import get_round, info, item_labels, parties
from hmc.audit.service import head, now, record_write
from hmc.audit.types import fields_of
from hmc.errors import Conflict, Forbidden, InvalidInput, NotFound
from hmc.evidence.models import Event, ImportBatch
from hmc.framework.records import IndicatorInfo
from hmc.framework.service import framework
from hmc.permissions import Permission, acting_party, require
from hmc.storage.versions import check_version

NAME = 200


def open_round(
    session: Session,
    *,
    actor: Actor,
    commission_id: str,
    name: str,
    as_of: date,
    indicators: list[str] | None = None,
    areas: list[str] | None = None,
    flag_gap: int = DEFAULT_FLAG_GAP,
    exercise: bool = False,
) -> RoundInfo:
    """A new round over the rated indicators (default: all) and their areas (default: all)."""
    require(actor, Permission.OPEN_ROUND, commission_id)
    name = name.strip()
    if not name or len(name) > NAME:
        raise InvalidInput(f"a round needs a name of 1 to {NAME} characters")
    if not 1 <= flag_gap <= 10:
        raise InvalidInput("the divergence threshold must be 1 to 10 levels")
    for given, what in ((indicators, "indicator"), (areas, "area")):
        twice = sorted({k for k in given or [] if (given or []).count(k) > 1})
        if twice:
            raise InvalidInput(f"each {what} once, please: {', '.join(twice)} given twice")
    current = framework(session, commission_id=commission_id)
    rated = [i for i in current.indicators if i.kind == "rated"]
    chosen = rated if indicators is None else [current.indicator(k) for k in indicators]
    unrated = [i.key for i in chosen if i.kind != "rated"]
    if unrated:
        raise InvalidInput(f"not rated indicators (they are measured): {', '.join(unrated)}")
    chosen_areas = current.areas if areas is None else tuple(current.area(k) for k in areas)
    if not chosen:
        raise InvalidInput(f"{commission_id} has no rated indicators to assess")
    round_ = Round(
        commission_id=commission_id,
        name=name,
        as_of=as_of,
        framework_version=current.commission.version,
        state="drafting",
        flag_gap=flag_gap,
        exercise=exercise,
        opened_by=str(actor),
        opened_at=now(),
    )
    session.add(round_)
    session.flush()
    _add_items(session, round_, chosen, [a.key for a in chosen_areas])
    record_write(
        session,
        actor=actor,
        action="open",
        row=round_,
        commission_id=round_.commission_id,
        after=fields_of(round_),
    )
    return info(session, round_)


def _add_items(
    session: Session, round_: Round, indicators: list[IndicatorInfo], areas: list[str]
) -> None:
    position = 0
    for indicator in indicators:
        for area in areas if indicator.scope == "area" else [None]:
            session.add(
                RoundItem(
                    round_id=round_.id,
                    indicator_key=indicator.key,
                    area_key=area,
                    position=position,
                )
            )
            position += 1
    session.flush()


def _item(session: Session, item_id: int) -> tuple[RoundItem, Round]:
    item = session.get(RoundItem, item_id)
    if item is None:
        raise NotFound(f"no item {item_id}", item=item_id)
    return item, get_round(session, item.round_id)


def _exists(session: Session) -> Any:
    def exists(kind: str, ident: int) -> bool:
        return session.get(Event if kind == "event" else ImportBatch, ident) is not None

    return exists


def save_rating(
    session: Session,
    *,
    actor: Actor,
    item_id: int,
    level: int,
    confidence: str,
    rationale: str,
    evidence: list[Any] | None = None,
    version: int | None = None,
) -> int:
    """Save the actor's party's draft rating of an item; returns its new version.

    ``version`` is the version the rater started from (None for a new rating).
    """
    item, round_ = _item(session, item_id)
    party = acting_party(actor, Permission.DRAFT_RATING, round_.commission_id)
    if round_.state != "drafting":
        raise Conflict(f'round "{round_.name}" is {round_.state}: its ratings cannot change')
    if _submitted(session, round_.id, party):
        raise Conflict(f"{party} has submitted its ratings of this round: they cannot change")
    levels = item_labels(session, round_, item.indicator_key)
    if level not in levels:
        raise InvalidInput(f"level must be one of {', '.join(map(str, levels))}", field="level")
    if confidence not in CONFIDENCES:
        raise InvalidInput(f"confidence must be {', '.join(CONFIDENCES)}", field="confidence")
    rationale = rationale.strip()
    if not rationale or len(rationale) > RATIONALE:
        raise InvalidInput(
            f"a rationale of 1 to {RATIONALE} characters is required", field="rationale"
        )
    checked = links(evidence or [], exists=_exists(session))
    rating = session.scalars(
        select(Rating).where(Rating.item_id == item_id, Rating.party_key == party)
    ).first()
    check_version(
        "this rating",
        rating.version if rating else None,
        version,
        rating.updated_by if rating else "",
    )
    before = fields_of(rating) if rating else None
    if rating is None:
        rating = Rating(item_id=item_id, party_key=party, version=0)
        session.add(rating)
    rating.level, rating.confidence, rating.rationale = level, confidence, rationale
    rating.evidence = checked
    rating.version += 1
    rating.updated_by, rating.updated_at = str(actor), now()
    session.flush()
    record_write(
        session,
        actor=actor,
        action="draft",
        row=rating,
        commission_id=round_.commission_id,
        before=before,
        after=fields_of(rating),
        private_to=party,
    )
    return rating.version


def _submitted(session: Session, round_id: int, party: str) -> bool:
    query = select(Submission.id).where(
        Submission.round_id == round_id, Submission.party_key == party
    )
    return session.scalar(query) is not None


def submit(session: Session, *, actor: Actor, round_id: int) -> RoundInfo:
    """The co-chair hands in the party's ratings; the round is released when all parties have."""
    round_ = get_round(session, round_id)
    party = acting_party(actor, Permission.SUBMIT, round_.commission_id)
    if round_.state != "drafting":
        raise Conflict(f'round "{round_.name}" is already {round_.state}')
    if _submitted(session, round_.id, party):
        raise Conflict(f"{party} has already submitted its ratings of this round")
    items = session.scalars(
        select(RoundItem).where(RoundItem.round_id == round_.id).order_by(RoundItem.position)
    ).all()
    rated = {
        r.item_id: r
        for r in session.scalars(
            select(Rating).where(
                Rating.item_id.in_([i.id for i in items]), Rating.party_key == party
            )
        )
    }
    missing = [_label(i) for i in items if i.id not in rated]
    if missing:
        raise InvalidInput(
            f"{len(missing)} item(s) not rated yet by {party}: {', '.join(missing[:10])}"
        )
    submission = Submission(
        round_id=round_.id, party_key=party, submitted_by=str(actor), submitted_at=now()
    )
    session.add(submission)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="submit",
        row=submission,
        commission_id=round_.commission_id,
        after={"party": party, "ratings": [fields_of(r) for r in rated.values()]},
        private_to=party,
        released_with=round_.id,
    )
    done = set(
        session.scalars(select(Submission.party_key).where(Submission.round_id == round_.id))
    )
    if done >= set(parties(session, round_.commission_id)):
        round_.state, round_.released_at = "released", now()
        session.flush()
        record_write(
            session,
            actor=actor,
            action="release",
            row=round_,
            commission_id=round_.commission_id,
            after=fields_of(round_),
        )
    return info(session, round_)


def _label(item: RoundItem) -> str:
    return item.indicator_key + (f" ({item.area_key})" if item.area_key else "")


def reconcile(
    session: Session,
    *,
    actor: Actor,
    item_id: int,
    level: int | None,
    disputed: bool = False,
    note: str = "",
    version: int | None = None,
) -> int:
    """A co-chair records the joint rating of an item, or marks it disputed; returns its version.

    A change withdraws signatures already given: both co-chairs sign what is final.
    """
    item, round_ = _item(session, item_id)
    require(actor, Permission.RECONCILE, round_.commission_id)
    if round_.state != "released":
        raise Conflict(
            f'round "{round_.name}" is {round_.state}: joint ratings are recorded once it is'
            " released and until it is signed"
        )
    if disputed == (level is not None):
        raise InvalidInput("give either a joint level or disputed, not both", field="level")
    levels = item_labels(session, round_, item.indicator_key)
    if level is not None and level not in levels:
        raise InvalidInput(f"level must be one of {', '.join(map(str, levels))}", field="level")
    note = note.strip()
    if len(note) > RATIONALE:
        raise InvalidInput(f"a note is at most {RATIONALE} characters", field="note")
    joint = session.scalars(select(JointRating).where(JointRating.item_id == item_id)).first()
    check_version(
        "this joint rating",
        joint.version if joint else None,
        version,
        joint.decided_by if joint else "",
    )
    before = fields_of(joint) if joint else None
    if joint is None:
        joint = JointRating(item_id=item_id, version=0)
        session.add(joint)
    joint.level, joint.disputed, joint.note = level, disputed, note
    joint.version += 1
    joint.decided_by, joint.decided_at = str(actor), now()
    session.flush()
    record_write(
        session,
        actor=actor,
        action="reconcile",
        row=joint,
        commission_id=round_.commission_id,
        before=before,
        after=fields_of(joint),
    )
    _withdraw_signatures(session, actor, round_)
    return joint.version


def _withdraw_signatures(session: Session, actor: Actor, round_: Round) -> None:
    for signature in session.scalars(select(Signature).where(Signature.round_id == round_.id)):
        record_write(
            session,
            actor=actor,
            action="withdraw_signature",
            row=signature,
            commission_id=round_.commission_id,
            before={"party": signature.party_key, "audit_head": signature.audit_head},
        )
        session.delete(signature)
    session.flush()


def sign(
    session: Session,
    *,
    actor: Actor,
    round_id: int,
    on: date | None = None,
    reviewed: str | None = None,
) -> RoundInfo:
    """A co-chair signs the joint ratings; with both signatures the round is signed for good.

    ``reviewed`` is the digest of the joint ratings the co-chair saw (``RoundView.reviewed``):
    if they changed since, the signature is refused. ``on`` dates a signature in the past:
    only in an exercise round (a demonstration or a replay of a past transition), never in a
    real one. The audit keeps the real time.
    """
    round_ = get_round(session, round_id)
    party = acting_party(actor, Permission.SIGN, round_.commission_id)
    if round_.state != "released":
        raise Conflict(f'round "{round_.name}" is {round_.state}: only a released round is signed')
    today = now().date()
    if on is not None and (not round_.exercise or not round_.as_of <= on <= today):
        raise InvalidInput(
            "a signature is dated only in an exercise round, between its date and today"
        )
    signed = {
        s.party_key
        for s in session.scalars(select(Signature).where(Signature.round_id == round_.id))
    }
    if party in signed:
        raise Conflict(f"{party}'s co-chair has already signed this round")
    items = session.scalars(select(RoundItem.id).where(RoundItem.round_id == round_.id)).all()
    decided = set(
        session.scalars(select(JointRating.item_id).where(JointRating.item_id.in_(items)))
    )
    if len(decided) < len(items):
        raise InvalidInput(
            f"{len(items) - len(decided)} item(s) have no joint rating yet (record one, or"
            " mark the item disputed)"
        )
    if reviewed is not None and reviewed != _joint_now(session, round_.id):
        raise Conflict(
            "the joint ratings changed since you reviewed them; review them again and sign"
        )
    if actor.member_id is None:  # acting_party lets only members through; said, not assumed
        raise Forbidden("only a co-chair, signed in as a member, signs a round")
    signature = Signature(
        round_id=round_.id,
        party_key=party,
        member_id=actor.member_id,
        signed_at=now(),
        audit_head=head(session),
    )
    session.add(signature)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="sign",
        row=signature,
        commission_id=round_.commission_id,
        after={"party": party, "audit_head": signature.audit_head, "dated": _iso(on)},
    )
    if signed | {party} >= set(parties(session, round_.commission_id)):
        round_.state, round_.signed_on = "signed", on or today
        session.flush()
        record_write(
            session,
            actor=actor,
            action="signed",
            row=round_,
            commission_id=round_.commission_id,
            after=fields_of(round_),
        )
    return info(session, round_)


def _joint_now(session: Session, round_id: int) -> str:
    """The digest of the round's joint ratings as stored now (see RoundView.reviewed)."""
    rows = session.execute(
        select(RoundItem.id, JointRating.level, JointRating.disputed, JointRating.version)
        .outerjoin(JointRating, JointRating.item_id == RoundItem.id)
        .where(RoundItem.round_id == round_id)
    ).all()
    return joint_digest(tuple(row) if row[3] is not None else (row[0],) for row in rows)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def amend(session: Session, *, actor: Actor, round_id: int, name: str | None = None) -> RoundInfo:
    """A new round amending a signed one: the same items, each party's ratings as its drafts."""
    old = get_round(session, round_id)
    require(actor, Permission.AMEND, old.commission_id)
    if old.state != "signed":
        raise Conflict(f'round "{old.name}" is not signed: change it instead of amending it')
    new = Round(
        commission_id=old.commission_id,
        name=(name or f"{old.name} (amended)").strip()[:NAME],
        as_of=old.as_of,
        framework_version=old.framework_version,
        state="drafting",
        flag_gap=old.flag_gap,
        exercise=old.exercise,
        amends_id=old.id,
        opened_by=str(actor),
        opened_at=now(),
    )
    session.add(new)
    session.flush()
    for item in session.scalars(select(RoundItem).where(RoundItem.round_id == old.id)):
        copy = RoundItem(
            round_id=new.id,
            indicator_key=item.indicator_key,
            area_key=item.area_key,
            position=item.position,
        )
        session.add(copy)
        session.flush()
        for rating in session.scalars(select(Rating).where(Rating.item_id == item.id)):
            copied = Rating(
                item_id=copy.id,
                party_key=rating.party_key,
                level=rating.level,
                confidence=rating.confidence,
                rationale=rating.rationale,
                evidence=rating.evidence,
                version=1,
                updated_by=rating.updated_by,  # still its author's words
                updated_at=rating.updated_at,
            )
            session.add(copied)
            session.flush()
            record_write(
                session,
                actor=actor,
                action="copy_draft",
                row=copied,
                commission_id=new.commission_id,
                after={**fields_of(copied), "copied_from": rating.id},
                private_to=rating.party_key,
            )
    record_write(
        session,
        actor=actor,
        action="amend",
        row=new,
        commission_id=new.commission_id,
        after=fields_of(new),
    )
    return info(session, new)
