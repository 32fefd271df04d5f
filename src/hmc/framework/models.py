"""Tables of a configured commission: parties, the framework, areas, phases and gates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmc.storage.base import Base


class Commission(Base):
    __tablename__ = "commission"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(String(64))
    default_as_of: Mapped[date | None] = mapped_column(Date)
    config_sha256: Mapped[str] = mapped_column(String(64))
    config_text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)

    parties: Mapped[list[Party]] = relationship(cascade="all, delete-orphan", order_by="Party.id")
    factors: Mapped[list[Factor]] = relationship(
        cascade="all, delete-orphan", order_by="Factor.position"
    )
    scales: Mapped[list[Scale]] = relationship(cascade="all, delete-orphan")
    indicators: Mapped[list[Indicator]] = relationship(
        cascade="all, delete-orphan", order_by="Indicator.position"
    )
    areas: Mapped[list[Area]] = relationship(cascade="all, delete-orphan", order_by="Area.position")
    phases: Mapped[list[Phase]] = relationship(
        cascade="all, delete-orphan", order_by="Phase.position"
    )


class Party(Base):
    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[Member]] = relationship(cascade="all, delete-orphan")


class Member(Base):
    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))


class Factor(Base):
    __tablename__ = "factor"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]


class Scale(Base):
    __tablename__ = "scale"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    levels: Mapped[list[ScaleLevel]] = relationship(
        cascade="all, delete-orphan", order_by="ScaleLevel.value"
    )


class ScaleLevel(Base):
    __tablename__ = "scale_level"
    __table_args__ = (UniqueConstraint("scale_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id", ondelete="CASCADE"))
    value: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    rubric: Mapped[str] = mapped_column(Text, default="")


class Indicator(Base):
    """A measured series (computed from evidence) or a rated one (scored by the parties)."""

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id", ondelete="CASCADE"))
    factor_id: Mapped[int] = mapped_column(ForeignKey("factor.id", ondelete="CASCADE"))
    scale_id: Mapped[int | None] = mapped_column(ForeignKey("scale.id", ondelete="SET NULL"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # measured | rated
    scope: Mapped[str] = mapped_column(String(16))  # national | area
    unit: Mapped[str] = mapped_column(String(64), default="")
    better: Mapped[str] = mapped_column(String(8))  # lower | higher
    threshold: Mapped[float | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int]

    factor: Mapped[Factor] = relationship()
    scale: Mapped[Scale | None] = relationship()


class Area(Base):
    """A unit of transition; governorates roll up into it."""

    __tablename__ = "area"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    governorates: Mapped[list[AreaGovernorate]] = relationship(cascade="all, delete-orphan")


class AreaGovernorate(Base):
    __tablename__ = "area_governorate"
    __table_args__ = (UniqueConstraint("area_id", "governorate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    governorate: Mapped[str] = mapped_column(String(64))


class Phase(Base):
    """An ordered step of the transition, with a gate per area."""

    __tablename__ = "phase"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str | None] = mapped_column(String(64))
    min_duration_weeks: Mapped[int] = mapped_column(default=0)
    position: Mapped[int]
    gates: Mapped[list[Gate]] = relationship(cascade="all, delete-orphan", order_by="Gate.id")


class Gate(Base):
    """The condition that must hold in one area to leave a phase, and its dates."""

    __tablename__ = "gate"
    __table_args__ = (UniqueConstraint("phase_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    expression: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[date | None] = mapped_column(Date)
    no_later_than: Mapped[date | None] = mapped_column(Date)
    area: Mapped[Area] = relationship()
