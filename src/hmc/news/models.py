"""News reports kept verbatim, the items proposed from them awaiting review, and the parties'
positions recorded from accepted statements."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base


class NewsReport(Base):
    """One report as it was imported: its bytes' text verbatim, digest, outlet and day."""

    __tablename__ = "news_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    outlet: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(8))
    format: Mapped[str] = mapped_column(String(16), default="text")
    source: Mapped[str] = mapped_column(Text)  # the report verbatim
    text: Mapped[str] = mapped_column(Text)  # what was read from it: items' spans point here


class NewsItem(Base):
    """One item proposed from a report's sentence, and what a person decided of it.

    ``state`` is ``proposed`` until decided: ``accepted`` (as proposed), ``edited``
    (accepted with changed fields), ``rejected`` or ``merged`` (with an existing event).
    What an accepted item became is ``event_id``, ``observation_id`` or ``position_id``.
    """

    __tablename__ = "news_item"
    __table_args__ = (Index("ix_news_item_state", "state", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("news_report.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(64))
    day: Mapped[date | None] = mapped_column(Date)
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    date_text: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    governorate: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    party: Mapped[str | None] = mapped_column(String(32))
    killed: Mapped[int | None] = mapped_column(Integer)
    wounded: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int | None] = mapped_column(Integer)
    count_qualifier: Mapped[str | None] = mapped_column(String(16))
    span_start: Mapped[int]
    span_end: Mapped[int]
    extractor: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    decided_by: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"))
    observation_id: Mapped[int | None] = mapped_column(
        ForeignKey("observation.id", ondelete="SET NULL")
    )


class PartyPosition(Base):
    """What a party said, when, on what, as a report quotes it (from an accepted item)."""

    __tablename__ = "party_position"
    __table_args__ = (
        UniqueConstraint("item_id", "commission_id"),
        Index("ix_party_position_day", "commission_id", "said_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"))
    party: Mapped[str] = mapped_column(String(32))
    said_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200), default="")
    quotation: Mapped[str] = mapped_column(Text)
    item_id: Mapped[int] = mapped_column(ForeignKey("news_item.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(ForeignKey("news_report.id", ondelete="CASCADE"))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
