"""Assessment rounds: items to rate, each party's ratings, joint ratings and signatures.

A round moves from ``drafting`` (each party rates privately) to ``released`` (both parties
submitted; each sees the other's ratings) to ``signed`` (both co-chairs signed the joint
ratings; nothing of it changes again). An amendment is a new round that names the signed
round it amends (``amends_id``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base

STATES = ("drafting", "released", "signed")
CONFIDENCES = ("low", "medium", "high")
RATIONALE = 10_000  # the longest rationale or note, in characters


class Round(Base):
    __tablename__ = "assessment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)
    framework_version: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="drafting")
    flag_gap: Mapped[int] = mapped_column(default=2)
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_round.id"))
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    released_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_on: Mapped[date | None] = mapped_column(Date)  # the day of the second signature


class RoundItem(Base):
    """One thing to rate: a rated indicator, nationwide (``area_key`` None) or in one area."""

    __tablename__ = "round_item"
    __table_args__ = (UniqueConstraint("round_id", "indicator_key", "area_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"), index=True)
    indicator_key: Mapped[str] = mapped_column(String(64))
    area_key: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int]


class Rating(Base):
    """One party's rating of an item: private to the party until the round is released.

    ``version`` counts saves, so a save based on an older version is refused, not applied.
    """

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("item_id", "party_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("round_item.id"), index=True)
    party_key: Mapped[str] = mapped_column(String(32))
    level: Mapped[int]
    confidence: Mapped[str] = mapped_column(String(8))
    rationale: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Submission(Base):
    """A party's co-chair handed in the party's ratings of a round."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("round_id", "party_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    party_key: Mapped[str] = mapped_column(String(32))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)


class JointRating(Base):
    """The co-chairs' reconciled rating of an item, or ``disputed`` (both ratings kept)."""

    __tablename__ = "joint_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("round_item.id"), unique=True)
    level: Mapped[int | None]
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime)


class Signature(Base):
    """A co-chair's signature of a round's joint ratings, with the audit chain's head then."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("round_id", "party_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("assessment_round.id"))
    party_key: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    audit_head: Mapped[str] = mapped_column(String(64))
