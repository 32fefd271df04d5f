"""A commission's framework as plain, immutable records: what services hand to interfaces.

Each text of the configuration has its Arabic beside it (``name_ar``, ``rubric_ar``...;
blank where the configuration gives none): :func:`hmc.locale.configured` picks one.

Interfaces (API, pages, command line) read these, never the tables behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hmc.errors import NotFound

MAX_LISTED = 20  # ids listed in a "not found" message


def not_found(kind: str, wanted: str, known: list[str], where: str) -> NotFound:
    """A NotFound naming what was asked for (cut short) and the ids that exist.

    >>> not_found("area", "x" * 100, ["north", "south"], "pic").message[-31:]
    '…" in pic (known: north, south)'
    """
    shown = wanted if len(wanted) <= 80 else wanted[:80] + "…"
    listed = ", ".join(known[:MAX_LISTED]) + (", …" if len(known) > MAX_LISTED else "")
    return NotFound(f'no {kind} "{shown}" in {where} (known: {listed or "none"})', **{kind: shown})


@dataclass(frozen=True)
class PartyInfo:
    key: str
    name: str
    name_ar: str = ""


@dataclass(frozen=True)
class CommissionInfo:
    id: str
    name: str
    description: str
    country: str
    default_as_of: date | None
    parties: tuple[PartyInfo, ...]
    version: int
    loaded_at: datetime
    name_ar: str = ""
    description_ar: str = ""


@dataclass(frozen=True)
class FactorInfo:
    key: str
    name: str
    description: str
    name_ar: str = ""
    description_ar: str = ""


@dataclass(frozen=True)
class LevelInfo:
    value: int
    label: str
    rubric: str
    label_ar: str = ""
    rubric_ar: str = ""


@dataclass(frozen=True)
class ScaleInfo:
    key: str
    name: str
    levels: tuple[LevelInfo, ...]
    name_ar: str = ""


@dataclass(frozen=True)
class IndicatorInfo:
    """A measured indicator (``definition`` says how) or a rated one (``scale``)."""

    key: str
    name: str
    factor: FactorInfo
    kind: str
    scope: str
    unit: str
    better: str
    threshold: float | None
    rationale: str
    definition: dict[str, Any] = field(hash=False)
    scale: ScaleInfo | None
    added_in: int
    name_ar: str = ""
    rationale_ar: str = ""


@dataclass(frozen=True)
class AreaInfo:
    key: str
    name: str
    governorates: tuple[str, ...]  # every governorate it ever holds
    name_ar: str = ""
    governorates_ar: dict[str, str] = field(default_factory=dict, hash=False)
    since: dict[str, date] = field(default_factory=dict, hash=False)  # the dated ones' first day

    def governorates_on(self, day: date) -> tuple[str, ...]:
        """Its governorates on ``day``: a dated one only from its date on.

        >>> kurdistan = AreaInfo("krg", "KRG", ("erbil", "halabja"),
        ...                      since={"halabja": date(2025, 4, 14)})
        >>> kurdistan.governorates_on(date(2024, 1, 1)), kurdistan.governorates_on(date(2025, 5, 1))
        (('erbil',), ('erbil', 'halabja'))
        """
        return tuple(g for g in self.governorates if g not in self.since or self.since[g] <= day)


@dataclass(frozen=True)
class GateInfo:
    phase_key: str
    area: AreaInfo
    expression: str | None
    not_before: date | None
    no_later_than: date | None


@dataclass(frozen=True)
class PhaseInfo:
    key: str
    name: str
    description: str
    after: str | None
    min_duration_weeks: int
    gates: tuple[GateInfo, ...]
    name_ar: str = ""
    description_ar: str = ""


@dataclass(frozen=True)
class MilestoneInfo:
    """A planned capability: ``indicator`` reaches ``level`` by ``by`` (in ``area``, or all)."""

    indicator: str
    area: str | None
    level: int
    by: date
    slip_chance: float
    slip_weeks: int
    rationale: str
    rationale_ar: str = ""


@dataclass(frozen=True)
class ScenarioInfo:
    """When a phase begins, per area: ``by[area]`` is conditions, date or gate."""

    key: str
    name: str
    description: str
    phase: str
    by: dict[str, str] = field(hash=False)
    dates: dict[str, date] = field(hash=False)
    name_ar: str = ""
    description_ar: str = ""


@dataclass(frozen=True)
class Framework:
    """One version of a commission's framework, in the configuration's order."""

    commission: CommissionInfo
    factors: tuple[FactorInfo, ...]
    scales: tuple[ScaleInfo, ...]
    indicators: tuple[IndicatorInfo, ...]
    areas: tuple[AreaInfo, ...]
    phases: tuple[PhaseInfo, ...]
    milestones: tuple[MilestoneInfo, ...] = ()
    scenarios: tuple[ScenarioInfo, ...] = ()

    def phase(self, key: str) -> PhaseInfo:
        """The phase ``key``, or NotFound listing the ones there are."""
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise not_found("phase", key, [p.key for p in self.phases], self.commission.id)

    def indicator(self, key: str) -> IndicatorInfo:
        """The indicator ``key``, or NotFound listing the ones there are."""
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        known = [i.key for i in self.indicators]
        raise not_found("indicator", key, known, self.commission.id)

    def area(self, key: str) -> AreaInfo:
        """The area ``key`` (in any case), or NotFound listing the ones there are."""
        for area in self.areas:
            if area.key == key.lower():
                return area
        raise not_found("area", key, [a.key for a in self.areas], self.commission.id)
