"""Tables of a configured commission: its versions, parties and the versioned framework.

A commission's framework (factors, scales, indicators, areas, phases and their gates) is
versioned. Each load of an edited configuration adds a :class:`FrameworkVersion`; a row of
the framework is never changed or deleted: it is valid from the version that added it
(``added_in``) until the one that replaced or removed it (``replaced_in``, None while
current). Rows refer to each other by the configuration's own ids (``factor_key``,
``area_key``...), so a record made under a version can always be read with the framework
of that version. Only ``position`` (the display order) is kept current in place.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hmc.storage.base import Base

KEY = 64  # ids of the configuration (factor, indicator, area, phase...)
NAME = 200  # names and labels
LONG_TEXT = 10_000  # descriptions, rubrics, rationales (checked in the configuration)


class Commission(Base):
    """One configured transition; its header is kept as its newest version says."""

    __tablename__ = "commission"

    id: Mapped[str] = mapped_column(String(KEY), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    description: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str] = mapped_column(String(KEY))
    default_as_of: Mapped[date | None] = mapped_column(Date)

    parties: Mapped[list[Party]] = relationship(order_by="Party.id")


class FrameworkVersion(Base):
    """One load of a changed configuration: its text, who loaded it, and what changed."""

    __tablename__ = "framework_version"
    __table_args__ = (UniqueConstraint("commission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"))
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    config_text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    loaded_by: Mapped[str] = mapped_column(String(NAME))
    changes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class Party(Base):
    """One side of the commission; its members belong to it, so it is never replaced."""

    __tablename__ = "party"
    __table_args__ = (UniqueConstraint("commission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"))
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(NAME))


class Versioned:
    """Columns of every framework row: its commission, id, order and versions."""

    commission_id: Mapped[str] = mapped_column(ForeignKey("commission.id"))
    key: Mapped[str] = mapped_column(String(KEY))
    position: Mapped[int]
    added_in: Mapped[int]
    replaced_in: Mapped[int | None]


def _versioned(table: str) -> tuple[UniqueConstraint, Index]:
    """One row per id and version, and at most one current row per id."""
    current = text("replaced_in IS NULL")
    return (
        UniqueConstraint("commission_id", "key", "added_in"),
        Index(
            f"ix_{table}_current",
            "commission_id",
            "key",
            unique=True,
            sqlite_where=current,
            postgresql_where=current,
        ),
    )


class Factor(Versioned, Base):
    __tablename__ = "factor"
    __table_args__ = _versioned("factor")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    description: Mapped[str] = mapped_column(Text, default="")


class Scale(Versioned, Base):
    __tablename__ = "scale"
    __table_args__ = _versioned("scale")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    levels: Mapped[list[ScaleLevel]] = relationship(
        cascade="all, delete-orphan", order_by="ScaleLevel.value"
    )


class ScaleLevel(Base):
    __tablename__ = "scale_level"
    __table_args__ = (UniqueConstraint("scale_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("scale.id"))
    value: Mapped[int]
    label: Mapped[str] = mapped_column(String(NAME))
    rubric: Mapped[str] = mapped_column(Text, default="")


class Indicator(Versioned, Base):
    """A measured series (computed from evidence) or a rated one (scored by the parties)."""

    __tablename__ = "indicator"
    __table_args__ = _versioned("indicator")

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_key: Mapped[str] = mapped_column(String(KEY))
    scale_key: Mapped[str | None] = mapped_column(String(KEY))
    name: Mapped[str] = mapped_column(String(NAME))
    kind: Mapped[str] = mapped_column(String(16))  # measured | rated
    scope: Mapped[str] = mapped_column(String(16))  # national | area
    unit: Mapped[str] = mapped_column(String(KEY), default="")
    better: Mapped[str] = mapped_column(String(8))  # lower | higher
    threshold: Mapped[float | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Area(Versioned, Base):
    """A unit of transition; governorates roll up into it."""

    __tablename__ = "area"
    __table_args__ = _versioned("area")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    governorates: Mapped[list[AreaGovernorate]] = relationship(
        cascade="all, delete-orphan", order_by="AreaGovernorate.governorate"
    )


class AreaGovernorate(Base):
    __tablename__ = "area_governorate"
    __table_args__ = (UniqueConstraint("area_id", "governorate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"))
    governorate: Mapped[str] = mapped_column(String(KEY))
    since: Mapped[date | None]  # the day it belongs to the area from; None: always


class Phase(Versioned, Base):
    """An ordered step of the transition, with a gate per area."""

    __tablename__ = "phase"
    __table_args__ = _versioned("phase")

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    description: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str | None] = mapped_column(String(KEY))
    min_duration_weeks: Mapped[int] = mapped_column(default=0)


class Gate(Versioned, Base):
    """The condition that must hold in one area to enter a phase, and its dates.

    Its ``key`` is ``PHASE/AREA``: one gate per phase and area.
    """

    __tablename__ = "gate"
    __table_args__ = _versioned("gate")

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(2 * KEY + 1))
    phase_key: Mapped[str] = mapped_column(String(KEY))
    area_key: Mapped[str] = mapped_column(String(KEY))
    expression: Mapped[str | None] = mapped_column(Text)
    not_before: Mapped[date | None] = mapped_column(Date)
    no_later_than: Mapped[date | None] = mapped_column(Date)
