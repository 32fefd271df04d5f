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

# The longest text each kind of value may be, as long as the database column that keeps it.
ID_LENGTH = 64
PARTY_ID_LENGTH = 32
NAME_LENGTH = 200
UNIT_LENGTH = 64
TEXT_LENGTH = 10_000
WHEN_LENGTH = 2_000
GOVERNORATE_LENGTH = 64


def _weeks(text: object) -> int:
    match = re.fullmatch(r"\s*(\d+)w\s*", text) if isinstance(text, str) else None
    shown = f'"{text[:20]}…"' if isinstance(text, str) and len(text) > 20 else f'"{text}"'
    if not match:
        raise ValueError(f'{shown} is not a duration in weeks (write e.g. "26w")')
    if len(match.group(1)) > 12:  # int() refuses 4,300 digits; the database takes 32 bits
        raise ValueError(f"{shown} is too long")
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


Slug = Annotated[str, Field(pattern=SLUG, max_length=ID_LENGTH)]
Ident = Annotated[str, Field(pattern=IDENT, max_length=ID_LENGTH)]
Key = Annotated[str, Field(max_length=ID_LENGTH)]  # names an id given elsewhere
Name = Annotated[str, Field(max_length=NAME_LENGTH)]
Text = Annotated[str, Field(max_length=TEXT_LENGTH)]
Governorate = Annotated[str, Field(max_length=GOVERNORATE_LENGTH)]
Weeks = Annotated[int, BeforeValidator(_weeks)]
Day = Annotated[date, BeforeValidator(_day)]


class Section(BaseModel):
    # strict: true is not read as 1, nor "3" as 3
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


class PartyConfig(Section):
    id: Annotated[str, Field(pattern=SLUG, max_length=PARTY_ID_LENGTH)]
    name: Name
    name_ar: Name = ""


class CommissionSection(Section):
    id: Slug
    name: Name
    name_ar: Name = ""
    description: Text = ""
    description_ar: Text = ""
    country: Slug
    as_of: Day | None = None
    parties: list[PartyConfig] = Field(min_length=2, max_length=2)


class FactorConfig(Section):
    id: Slug
    name: Name
    name_ar: Name = ""
    description: Text = ""
    description_ar: Text = ""


class LevelConfig(Section):
    value: int
    label: Name
    label_ar: Name = ""
    rubric: Text = ""
    rubric_ar: Text = ""


class ScaleConfig(Section):
    id: Slug
    name: Name
    name_ar: Name = ""
    levels: list[LevelConfig] = Field(min_length=2)


class DatedGovernorate(Section):
    """A governorate that belongs to its area from a date on (one made later, as Halabja)."""

    id: Governorate
    since: Day = Field(alias="from")


class AreaConfig(Section):
    id: Slug
    name: Name
    name_ar: Name = ""
    governorates: list[Governorate | DatedGovernorate] = Field(min_length=1)
    governorates_ar: dict[Governorate, Name] = Field(default_factory=dict)

    @property
    def governorate_names(self) -> list[str]:
        """The governorates as written, without their dates."""
        return [g if isinstance(g, str) else g.id for g in self.governorates]

    def since(self, name: str) -> date | None:
        """The date the governorate ``name`` (as written) belongs from; None: always."""
        for g in self.governorates:
            if isinstance(g, DatedGovernorate) and g.id == name:
                return g.since
        return None


MAX_WINDOW = 520  # periods a rolling window or a trend spans at most (ten years of weeks)
EVENT_FIELDS = frozenset({"category", "event_type", "target", "source", "governorate"})
# The keys that belong to one kind of measured indicator only.
ONLY_FOR = ("where", "series", "field", "base", "account", "window", "derive", "of")
EVENT_KEYS = frozenset({"where", "field", "base", "account", "window"})
COUNT_KEYS = frozenset({"series"})
DERIVED_KEYS = frozenset({"derive", "of", "window"})


class IndicatorConfig(Section):
    """Measured (``from`` events, counts or indicators) or rated (``scale``).

    docs/indicators.md describes each key; :meth:`_one_kind` says which go together.
    """

    id: Ident
    name: Name
    name_ar: Name = ""
    factor: Key
    source: Literal["events", "counts", "indicators"] | None = Field(default=None, alias="from")
    scale: Key | None = None
    where: dict[Key, Name | list[Name]] = Field(default_factory=dict)
    series: Name | None = None
    measure: Literal["count", "sum", "distinct", "share"] = "count"
    field: Literal["deaths", "location"] | None = None
    base: dict[Key, Name | list[Name]] | None = None
    account: Annotated[str, Field(pattern=SLUG, max_length=PARTY_ID_LENGTH)] | None = None
    window: int | None = Field(default=None, ge=2, le=MAX_WINDOW)
    derive: Literal["ratio", "difference", "trend"] | None = None
    of: list[Ident] | None = Field(default=None, min_length=1, max_length=2)
    scope: Literal["national", "area"] = "national"
    better: Literal["lower", "higher"]
    threshold: float | None = None
    unit: Annotated[str, Field(max_length=UNIT_LENGTH)] = ""
    rationale: Text = ""
    rationale_ar: Text = ""

    @model_validator(mode="after")
    def _one_kind(self) -> IndicatorConfig:
        if (self.source is None) == (self.scale is None):
            raise ValueError('an indicator is either measured (give "from") or rated ("scale")')
        given = {k for k in ONLY_FOR if getattr(self, k) not in (None, {})}
        allowed = {"events": EVENT_KEYS, "counts": COUNT_KEYS, "indicators": DERIVED_KEYS}
        wrong = sorted(given - allowed.get(self.source or "", frozenset()))
        if wrong:
            shown = f'"from = {self.source}"' if self.source else "a rated indicator"
            raise ValueError(f"{wrong[0]}: not a key of {shown} (see docs/indicators.md)")
        if self.source == "counts" and not self.series:
            raise ValueError('series: an indicator "from = counts" needs "series"')
        if self.source == "counts" and self.measure != "count":
            raise ValueError('measure: an indicator "from = counts" sums what the source counted')
        if self.source == "events":
            self._events()
        if self.source == "indicators":
            self._derived()
        return self

    def _events(self) -> None:
        for key, where in (("where", self.where), ("base", self.base or {})):
            unknown = set(where) - EVENT_FIELDS
            if unknown:
                raise ValueError(
                    f"{key}: unknown event field(s): {', '.join(sorted(unknown))}"
                    f" (known: {', '.join(sorted(EVENT_FIELDS))})"
                )
        needs = {"sum": "deaths", "distinct": "location"}.get(self.measure)
        if needs is None and self.field is not None:
            raise ValueError(f'field: "measure = {self.measure}" takes no field')
        if needs is not None and self.field not in (needs, None):
            raise ValueError(f'field: "measure = {self.measure}" counts "{needs}"')
        if self.measure == "sum" and not self.field:
            raise ValueError('field: "measure = sum" needs "field" (write field = "deaths")')
        if self.measure != "share" and self.base is not None:
            raise ValueError('base: only "measure = share" has a base')

    def _derived(self) -> None:
        if self.derive is None or not self.of:
            raise ValueError('derive: an indicator "from = indicators" needs "derive" and "of"')
        wanted = 1 if self.derive == "trend" else 2
        if len(self.of) != wanted:
            raise ValueError(f'of: "derive = {self.derive}" takes {wanted} indicator(s)')


class GateConfig(Section):
    when: Annotated[str, Field(max_length=WHEN_LENGTH)] | None = None
    not_before: Day | None = None
    no_later_than: Day | None = None

    @model_validator(mode="after")
    def _holds_a_condition_or_a_date(self) -> GateConfig:
        if self.when is None and self.not_before is None and self.no_later_than is None:
            raise ValueError('a gate needs "when", "not_before" or "no_later_than"')
        if self.not_before and self.no_later_than and self.not_before > self.no_later_than:
            raise ValueError('"not_before" is after "no_later_than"')
        return self


class PhaseConfig(Section):
    id: Slug
    name: Name
    name_ar: Name = ""
    description: Text = ""
    description_ar: Text = ""
    after: Key | None = None
    min_duration: Weeks = 0
    gate: dict[Key, GateConfig] = Field(default_factory=dict)
    default_gate: GateConfig | None = None


class MilestoneConfig(Section):
    """A planned capability: a rated indicator reaches ``level`` by ``by``, or slips."""

    indicator: Key
    area: Key | None = None  # None: every area
    level: int
    by: Day
    slip_chance: float = Field(default=0.0, ge=0.0, le=1.0)
    slip: Weeks = 0  # the most it slips by, when it does (uniformly up to this)
    rationale: Text = ""
    rationale_ar: Text = ""


class ScenarioConfig(Section):
    """A way to decide when a phase begins, per area: ``by`` is ``conditions``, ``date`` or
    ``gate`` (the gate as configured); ``dates`` gives the date for areas decided by date."""

    id: Slug
    name: Name
    name_ar: Name = ""
    description: Text = ""
    description_ar: Text = ""
    phase: Key
    by: dict[Key, Literal["conditions", "date", "gate"]] = Field(min_length=1)
    dates: dict[Key, Day] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _dated(self) -> ScenarioConfig:
        undated = sorted(a for a, by in self.by.items() if by == "date" and a not in self.dates)
        if undated:
            raise ValueError(f"areas decided by date need a date in dates: {', '.join(undated)}")
        return self


class CategoryConfig(Section):
    """A category of events, the rules that give it to each source's events (see
    :mod:`hmc.evidence.categories`), and the categories whose events may be the same events."""

    id: Ident
    name: Name
    name_ar: Name = ""
    description: Text = ""
    description_ar: Text = ""
    compatible: list[Ident] = Field(default_factory=list)
    rules: list[dict[Key, Name | list[Name]]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sources(self) -> CategoryConfig:
        for rule in self.rules:
            if not isinstance(rule.get("source"), str):
                raise ValueError('each rule names its "source" (a source key, e.g. "ucdp-ged")')
        return self


class CommissionConfig(Section):
    commission: CommissionSection
    factor: list[FactorConfig] = Field(min_length=1)
    scale: list[ScaleConfig] = Field(default_factory=list)
    area: list[AreaConfig] = Field(min_length=1)
    indicator: list[IndicatorConfig] = Field(min_length=1)
    phase: list[PhaseConfig] = Field(min_length=1)
    milestone: list[MilestoneConfig] = Field(default_factory=list)
    scenario: list[ScenarioConfig] = Field(default_factory=list)
    category: list[CategoryConfig] = Field(default_factory=list)


class CommissionSummary(BaseModel):
    """A commission as listed by the API."""

    id: str
    name: str
    description: str
    country: str
    parties: list[str]
