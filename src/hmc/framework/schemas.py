"""The commission configuration format (TOML), as Pydantic models.

The format is documented in docs/configuration.md; each shipped commission in
``hmc/commissions/`` is an example of it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hmc.domain.days import day_problem, parse_day

SLUG = r"^[a-z][a-z0-9-]*$"
IDENT = r"^[a-z][a-z0-9_]*$"
EVENT_FIELDS = frozenset({"category", "event_type", "target", "source"})


def _weeks(text: object) -> int:
    match = re.fullmatch(r"(\d+)w", str(text).strip())
    if not match:
        raise ValueError(f'"{text}" is not a duration in weeks (write e.g. "26w")')
    return int(match.group(1))


def _day(value: object) -> object:
    """A TOML date, or a string written exactly YYYY-MM-DD; within the dates hmc works with."""
    if isinstance(value, str):
        return parse_day(value)
    if isinstance(value, datetime):  # even at midnight, which Pydantic would take
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    if not isinstance(value, date):  # not a Unix time, as Pydantic would read a number
        raise ValueError("expected a date (YYYY-MM-DD)")
    if problem := day_problem(value):
        raise ValueError(problem)
    return value


Slug = Annotated[str, Field(pattern=SLUG)]
Ident = Annotated[str, Field(pattern=IDENT)]
Weeks = Annotated[int, BeforeValidator(_weeks)]
Day = Annotated[date, BeforeValidator(_day)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class PartyConfig(Section):
    id: Slug
    name: str


class CommissionSection(Section):
    id: Slug
    name: str
    description: str = ""
    country: Slug
    as_of: Day | None = None
    parties: list[PartyConfig] = Field(min_length=2, max_length=2)


class FactorConfig(Section):
    id: Slug
    name: str
    description: str = ""


class LevelConfig(Section):
    value: int
    label: str
    rubric: str = ""


class ScaleConfig(Section):
    id: Slug
    name: str
    levels: list[LevelConfig] = Field(min_length=2)


class AreaConfig(Section):
    id: Slug
    name: str
    governorates: list[str] = Field(min_length=1)


class IndicatorConfig(Section):
    """Measured (``from`` events or counts) or rated (``scale``)."""

    id: Ident
    name: str
    factor: str
    source: Literal["events", "counts"] | None = Field(default=None, alias="from")
    scale: str | None = None
    where: dict[str, str | list[str]] = Field(default_factory=dict)
    series: str | None = None
    measure: Literal["count", "sum"] = "count"
    field: Literal["deaths"] | None = None
    scope: Literal["national", "area"] = "national"
    better: Literal["lower", "higher"]
    threshold: float | None = None
    unit: str = ""
    rationale: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> IndicatorConfig:
        if (self.source is None) == (self.scale is None):
            raise ValueError('an indicator is either measured (give "from") or rated ("scale")')
        if self.source == "counts" and not self.series:
            raise ValueError('an indicator "from = counts" needs "series"')
        if self.source == "events":
            unknown = set(self.where) - EVENT_FIELDS
            if unknown:
                raise ValueError(
                    f"unknown event field(s) in where: {', '.join(sorted(unknown))}"
                    f" (known: {', '.join(sorted(EVENT_FIELDS))})"
                )
            if self.measure == "sum" and not self.field:
                raise ValueError('"measure = sum" needs "field"')
        return self


class GateConfig(Section):
    when: str | None = None
    not_before: Day | None = None
    no_later_than: Day | None = None

    @model_validator(mode="after")
    def _something(self) -> GateConfig:
        if self.when is None and self.not_before is None and self.no_later_than is None:
            raise ValueError('a gate needs "when", "not_before" or "no_later_than"')
        if self.not_before and self.no_later_than and self.not_before > self.no_later_than:
            raise ValueError('"not_before" is after "no_later_than"')
        return self


class PhaseConfig(Section):
    id: Slug
    name: str
    description: str = ""
    after: str | None = None
    min_duration: Weeks = 0
    gate: dict[str, GateConfig] = Field(default_factory=dict)
    default_gate: GateConfig | None = None


class CommissionConfig(Section):
    commission: CommissionSection
    factor: list[FactorConfig] = Field(min_length=1)
    scale: list[ScaleConfig] = Field(default_factory=list)
    area: list[AreaConfig] = Field(min_length=1)
    indicator: list[IndicatorConfig] = Field(min_length=1)
    phase: list[PhaseConfig] = Field(min_length=1)


class CommissionSummary(BaseModel):
    """A commission as listed by the API."""

    id: str
    name: str
    description: str
    country: str
    parties: list[str]
