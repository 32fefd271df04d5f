"""Working meetings of a commission: attendees, agenda, minutes, decisions and actions.

A party's minutes of an agenda item are its own draft until it shares them; shared minutes
do not change again. A decision stands once the co-chairs of both parties have approved the
version they read; a decision that stands is never edited: an amendment is a new decision
that names it (``amends_id``).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base

FORMATS = ("in_person", "video", "hybrid")
KINDS = ("divergence", "gate", "indicator", "forecast", "event", "position", "review", "action",
         "other")  # fmt: skip
ACTION_STATES = ("open", "done", "dropped")
LANGUAGES = ("en", "ar")
TEXT = 10_000  # the longest minutes, decision or action text, in characters
SHORT = 200  # titles and places


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"), index=True)
    title: Mapped[str] = mapped_column(String(SHORT))
    title_lang: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[time] = mapped_column(Time)
    duration: Mapped[int] = mapped_column(default=120)  # in minutes
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    place: Mapped[str] = mapped_column(String(SHORT))
    format: Mapped[str] = mapped_column(String(16))  # in_person | video | hybrid
    exercise: Mapped[bool] = mapped_column(Boolean, default=False)
    scheduled_by: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(DateTime)


class Attendee(Base):
    """A member a party named to attend a meeting."""

    __tablename__ = "meeting_attendee"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    party_key: Mapped[str] = mapped_column(String(32))


class AgendaItem(Base):
    """One point of a meeting's agenda: found in what changed (``ref`` names it), or added.

    ``subject`` and ``detail`` say what changed (names and values as found); ``url`` is the
    page that shows its evidence. A dropped item stays, so that refreshing does not add it
    again.
    """

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(SHORT))
    subject: Mapped[str] = mapped_column(Text)
    subject_lang: Mapped[str] = mapped_column(String(8))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    dropped: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(200))


class Minutes(Base):
    """A party's minutes of an agenda item: its own draft until shared (``shared_at``)."""

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("item_id", "party_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    party_key: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    shared_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def shared(self) -> bool:
        """Whether the party has shared these minutes with the other party and observers."""
        return self.shared_at is not None


class Decision(Base):
    """What the co-chairs decide, and what it binds: a phase, an area (both: a gate), a date.

    ``change`` is what it changes in the gate of its phase and area (``when``,
    ``not_before``, ``no_later_than``; an empty value removes one); once it stands, the
    change takes effect in a new framework version (``framework_version``).
    """

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    phase_key: Mapped[str | None] = mapped_column(String(64))
    area_key: Mapped[str | None] = mapped_column(String(64))
    binds_on: Mapped[date | None] = mapped_column(Date)
    change: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed | stands
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    version: Mapped[int] = mapped_column(default=1)
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposed_at: Mapped[datetime] = mapped_column(DateTime)
    stood_at: Mapped[datetime | None] = mapped_column(DateTime)
    framework_version: Mapped[int | None]


class Approval(Base):
    """A co-chair's approval of a version of a decision."""

    __tablename__ = "decision_approval"
    __table_args__ = (UniqueConstraint("decision_id", "party_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    party_key: Mapped[str] = mapped_column(String(32))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    version: Mapped[int]
    approved_at: Mapped[datetime] = mapped_column(DateTime)


class Action(Base):
    """Who does what by when: an owner party and member, a due date, a state, evidence."""

    __tablename__ = "meeting_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"))
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    owner_party: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    due: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="open")
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
