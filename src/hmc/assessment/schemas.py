"""What the API takes and returns for assessment rounds: bodies with limits, and round views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from hmc.assessment.evidence_links import LONGEST, MOST
from hmc.assessment.models import RATIONALE
from hmc.assessment.records import (
    Divergence,
    ItemView,
    RoundView,
)
from hmc.assessment.service import NAME
from hmc.framework.schemas import ID_LENGTH, Day
from hmc.schemas import KEPT, Read

INT32 = 2**31 - 1  # the largest value an integer column holds
Level = Annotated[int, Field(ge=-INT32, le=INT32, description="A level of the item's scale.")]
Version = Annotated[
    int | None,
    Field(
        ge=1,
        le=INT32,
        description="The version this change is based on (null: there is none yet); a stale"
        " one is refused with 409 and the current version.",
    ),
]
Key = Annotated[str, Field(min_length=1, max_length=ID_LENGTH), KEPT]


def _once(keys: list[str]) -> list[str]:
    """``keys`` if none is listed twice.

    >>> _once(["a", "b", "a"])
    Traceback (most recent call last):
    ValueError: listed more than once: a
    """
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"listed more than once: {', '.join(twice)}")
    return keys


Keys = Annotated[list[Key], Field(max_length=500), AfterValidator(_once)]
Note = Annotated[str, Field(max_length=RATIONALE), KEPT]
Name = Annotated[str, Field(min_length=1, max_length=NAME), KEPT]
State = Literal["drafting", "released", "signed"]


class _Body(BaseModel):
    # strict: true is not read as 1, nor "3" as 3; an unknown field is refused, not ignored
    model_config = ConfigDict(extra="forbid", strict=True)


class RoundOpen(_Body):
    """A new round: its name, its date and what it rates (default: every rated indicator)."""

    name: Name
    as_of: Day
    indicators: Keys | None = None
    areas: Keys | None = None
    flag_gap: Annotated[int, Field(ge=1, le=10)] = 2


class RoundAmend(_Body):
    """The name of an amending round (default: the signed round's name, amended)."""

    name: Name | None = None


class SignWrite(_Body):
    """What the co-chair signs: the ``reviewed`` digest of the round they read."""

    reviewed: Annotated[str, Field(min_length=64, max_length=64, pattern="^[0-9a-f]{64}$")]


class Evidence(_Body):
    """A link from a rating to its evidence: an event or import by id, a document, a URL."""

    kind: Literal["event", "import", "document", "url"]
    ref: Annotated[str, Field(min_length=1, max_length=LONGEST), KEPT]


class RatingWrite(_Body):
    """A party's draft rating of an item."""

    level: Level
    confidence: Literal["low", "medium", "high"]
    rationale: Annotated[str, Field(min_length=1, max_length=RATIONALE), KEPT]
    evidence: Annotated[list[Evidence], Field(max_length=MOST)] = []
    version: Version


class JointWrite(_Body):
    """The joint rating of an item: a level, or disputed (level null)."""

    level: Level | None
    disputed: bool = False
    note: Note = ""
    version: Version


class Saved(BaseModel):
    """The version a save made (send it with the next change)."""

    version: int


class RoundRead(Read):
    """A round's header: its state, who submitted, who signed."""

    id: int
    commission: str = Field(validation_alias="commission_id")
    name: str
    as_of: date
    state: State
    framework_version: int
    flag_gap: int
    exercise: bool
    amends: int | None = Field(validation_alias="amends_id", description="The round amended.")
    opened_by: str
    opened_at: datetime
    released_at: datetime | None
    signed_on: date | None
    submitted: list[str] = Field(description="The parties that submitted their ratings.")
    signed_by: list[str] = Field(description="The parties whose co-chair signed.")


class LevelRead(Read):
    """A level of a scale, with the rubric raters apply."""

    value: int
    label: str
    rubric: str


class RatingRead(Read):
    """One party's rating of an item."""

    party: str
    level: int
    confidence: str
    rationale: str
    evidence: list[Evidence]
    version: int
    updated_by: str
    updated_at: datetime


class JointRead(Read):
    """The joint rating of an item (level null: disputed)."""

    level: int | None
    disputed: bool
    note: str
    version: int
    decided_by: str
    decided_at: datetime


class ItemRead(BaseModel):
    """One item of a round: its scale, the ratings the viewer may see, the joint rating."""

    id: int
    indicator: str
    indicator_name: str
    factor: str
    area: str | None
    levels: list[LevelRead]
    ratings: dict[str, RatingRead] = Field(description="By party: only those the viewer may see.")
    gap: int | None = Field(description="Levels between the parties' ratings (null: not both).")
    joint: JointRead | None

    @classmethod
    def of(cls, i: ItemView) -> ItemRead:
        """The API view of an item."""
        return cls(
            id=i.id,
            indicator=i.indicator.key,
            indicator_name=i.indicator.name,
            factor=i.indicator.factor.key,
            area=i.area.key if i.area else None,
            levels=[LevelRead.of(v) for v in i.levels],
            ratings={party: RatingRead.of(r) for party, r in i.ratings.items()},
            gap=i.gap,
            joint=JointRead.of(i.joint) if i.joint else None,
        )


class SignatureRead(Read):
    """A co-chair's signature, with the audit head it was given on."""

    party: str
    member: str
    signed_at: datetime
    audit_head: str


class RoundViewRead(BaseModel):
    """A round as the viewer may see it."""

    round: RoundRead
    parties: list[str]
    viewer_party: str | None = Field(description="The party whose drafts the viewer sees.")
    items: list[ItemRead]
    signatures: list[SignatureRead]
    reviewed: str = Field(
        description="Digest of the joint ratings as read: send it when signing, so that a"
        " change made meanwhile is a 409 rather than signed unseen."
    )

    @classmethod
    def of(cls, v: RoundView) -> RoundViewRead:
        """The API view of a round and its items."""
        return cls(
            round=RoundRead.of(v.round),
            parties=list(v.parties),
            viewer_party=v.viewer_party,
            items=[ItemRead.of(i) for i in v.items],
            signatures=[SignatureRead.of(s) for s in v.signatures],
            reviewed=v.reviewed,
        )


class AgreementRead(Read):
    """How far the parties agreed over a set of items."""

    items: int
    exact: float | None = Field(description="The share of items rated the same.")
    kappa: float | None = Field(description="Quadratic-weighted kappa (null: undefined).")


class DivergentItemRead(BaseModel):
    """One item's levels and rationales by party, and how far apart they are."""

    id: int
    indicator: str
    area: str | None
    levels: dict[str, int]
    rationales: dict[str, str]
    gap: int | None
    flagged: bool = Field(description="The gap reaches the round's threshold.")


class AgreementRoundRead(BaseModel):
    """The agreement of a released or signed round, overall and per factor."""

    round: RoundRead
    overall: AgreementRead
    by_factor: dict[str, AgreementRead]
    flagged: int = Field(description="How many items' gap reaches the round's threshold.")

    @classmethod
    def of(cls, d: Divergence) -> AgreementRoundRead:
        """The API view of a round's agreement."""
        return cls(
            round=RoundRead.of(d.round),
            overall=AgreementRead.of(d.overall),
            by_factor={key: AgreementRead.of(a) for key, a in d.by_factor.items()},
            flagged=len(d.flagged),
        )


class DivergenceRead(AgreementRoundRead):
    """A released round's divergence: each item's levels and gap, and the agreement."""

    items: list[DivergentItemRead]

    @classmethod
    def of(cls, d: Divergence) -> DivergenceRead:
        """The API view of a round's divergence."""
        flagged = {i.id for i in d.flagged}
        return cls(
            **dict(AgreementRoundRead.of(d)),
            items=[
                DivergentItemRead(
                    id=i.id,
                    indicator=i.indicator.key,
                    area=i.area.key if i.area else None,
                    levels={p: r.level for p, r in i.ratings.items()},
                    rationales={p: r.rationale for p, r in i.ratings.items()},
                    gap=i.gap,
                    flagged=i.id in flagged,
                )
                for i in d.items
            ],
        )
