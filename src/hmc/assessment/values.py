"""Signed joint ratings as the rated indicators' weekly values, as known on a date.

A rating is a state, not a count: from the week of its round's date it holds, week after
week, until a later signed round rates the item again. It is known from the day of the
round's second signature, so a replay "as of" an earlier day does not see it. A disputed
item has no joint value (NaN: its gates are unknown), unless the values are asked for on
one party's ratings, to show what the gate would be on each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.assessment.models import JointRating, Rating, Round, RoundItem, Submission
from hmc.domain.periods import week_start
from hmc.framework.records import AreaInfo, IndicatorInfo
from hmc.indicators.service import Series, first_incomplete


def rated_series(
    session: Session,
    *,
    commission_id: str,
    indicator: IndicatorInfo,
    area: AreaInfo | None,
    as_of: date,
    party: str | None = None,
) -> Series:
    """Weekly values of a rated indicator from signed rounds known on ``as_of``.

    With ``party``: a disputed item takes that party's submitted rating instead of NaN.
    """
    area_key = area.key if area is not None and indicator.scope == "area" else None
    rows = session.execute(
        select(Round.as_of, JointRating.level, JointRating.disputed, RoundItem.id)
        .join(RoundItem, RoundItem.round_id == Round.id)
        .join(JointRating, JointRating.item_id == RoundItem.id)
        .where(
            Round.commission_id == commission_id,
            Round.state == "signed",
            Round.signed_on <= as_of,
            RoundItem.indicator_key == indicator.key,
            RoundItem.area_key.is_(None) if area_key is None else RoundItem.area_key == area_key,
        )
        .order_by(Round.as_of, Round.signed_on, Round.id)
    ).all()
    end = first_incomplete(as_of, "week")
    steps: dict[date, float] = {}
    for day, level, disputed, item_id in rows:
        value = math.nan if disputed or level is None else float(level)
        if disputed and party is not None:
            value = _party_level(session, item_id, party)
        steps[week_start(day)] = value  # a later round of the same week replaces an earlier one
    starts: list[date] = []
    values: list[float] = []
    changes = sorted(steps.items())
    for n, (start, value) in enumerate(changes):
        until = changes[n + 1][0] if n + 1 < len(changes) else end
        week = start
        while week < until:
            starts.append(week)
            values.append(value)
            week += timedelta(weeks=1)
    return Series(indicator, area, starts, values)


def _party_level(session: Session, item_id: int, party: str) -> float:
    level = session.scalar(
        select(Rating.level)
        .join(RoundItem, RoundItem.id == Rating.item_id)
        .join(Submission, Submission.round_id == RoundItem.round_id)
        .where(Rating.item_id == item_id, Rating.party_key == party, Submission.party_key == party)
    )
    return math.nan if level is None else float(level)


@dataclass(frozen=True)
class SignedRound:
    """The signed round whose joint ratings are the newest known on a date."""

    id: int
    name: str
    signed_on: date
    exercise: bool


def latest_signed(session: Session, *, commission_id: str, as_of: date) -> SignedRound | None:
    """The newest round signed on or before ``as_of`` (None: no joint rating known yet)."""
    row = session.execute(
        select(Round.id, Round.name, Round.signed_on, Round.exercise)
        .where(
            Round.commission_id == commission_id,
            Round.state == "signed",
            Round.signed_on <= as_of,
        )
        .order_by(Round.as_of.desc(), Round.signed_on.desc(), Round.id.desc())
        .limit(1)
    ).first()
    return None if row is None or row[2] is None else SignedRound(row[0], row[1], row[2], row[3])
