"""A round as one viewer may see it: plain records for the pages, the API and the CLI.

What a viewer may not see is never put in a record: another party's ratings before the
round is released are absent, not hidden by the interface.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hmc.framework.records import AreaInfo, IndicatorInfo, LevelInfo


def joint_digest(rows: Iterable[tuple[object, ...]]) -> str:
    """SHA-256 of the items' joint ratings, in item order.

    >>> joint_digest([(1, 3, False, 1)]) == joint_digest([(1, 3, False, 1)])
    True
    >>> joint_digest([(1, 3, False, 1)]) == joint_digest([(1, 3, False, 2)])
    False
    """
    return hashlib.sha256(json.dumps(sorted(rows)).encode()).hexdigest()


@dataclass(frozen=True)
class RoundInfo:
    id: int
    commission_id: str
    name: str
    as_of: date
    state: str  # drafting | released | signed
    framework_version: int
    flag_gap: int
    exercise: bool
    amends_id: int | None
    opened_by: str
    opened_at: datetime
    released_at: datetime | None
    signed_on: date | None
    submitted: tuple[str, ...]  # party keys that submitted
    signed_by: tuple[str, ...]  # party keys whose co-chair signed


@dataclass(frozen=True)
class RatingInfo:
    id: int
    item_id: int
    party: str
    level: int
    confidence: str
    rationale: str
    evidence: tuple[dict[str, Any], ...]
    version: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class JointInfo:
    item_id: int
    level: int | None
    disputed: bool
    note: str
    version: int
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True)
class ItemView:
    id: int
    indicator: IndicatorInfo
    area: AreaInfo | None
    levels: tuple[LevelInfo, ...]
    ratings: dict[str, RatingInfo]  # by party key: only those the viewer may see
    joint: JointInfo | None

    @property
    def gap(self) -> int | None:
        """How many levels apart the parties' ratings are (None unless both are seen)."""
        levels = [r.level for r in self.ratings.values()]
        return max(levels) - min(levels) if len(levels) >= 2 else None


@dataclass(frozen=True)
class SignatureInfo:
    party: str
    member: str
    signed_at: datetime
    audit_head: str


@dataclass(frozen=True)
class RoundView:
    round: RoundInfo
    parties: tuple[str, ...]
    viewer_party: str | None  # the party whose drafts the viewer sees (None: none)
    items: tuple[ItemView, ...]
    signatures: tuple[SignatureInfo, ...]

    @property
    def reviewed(self) -> str:
        """A digest of the joint ratings as shown: a signature names it, so that a co-chair
        signs only what they saw (a change made meanwhile makes the signature a 409)."""
        return joint_digest(
            (i.id, i.joint.level, i.joint.disputed, i.joint.version) if i.joint else (i.id,)
            for i in self.items
        )

    @property
    def flagged(self) -> list[ItemView]:
        """Items whose gap reaches the round's threshold: for the next working meeting."""
        return [i for i in self.items if i.gap is not None and i.gap >= self.round.flag_gap]


@dataclass(frozen=True)
class Agreement:
    """How far two parties agreed over a set of items."""

    items: int
    exact: float | None  # share of items rated the same
    kappa: float | None  # quadratic-weighted kappa (None when undefined)


@dataclass(frozen=True)
class Divergence:
    round: RoundInfo
    overall: Agreement
    by_factor: dict[str, Agreement]
    items: tuple[ItemView, ...]  # every item, both ratings seen
    flagged: tuple[ItemView, ...]
