"""Paths of a rated indicator: its last signed joint level, raised by planned milestones.

A rating is a state the commission signs, not a count: nothing forecasts it from its own
history. It stays where the last signed round put it unless a milestone in the
configuration plans it higher by a date; in each path the milestone arrives on that date,
or with ``slip_chance`` some weeks later (uniformly up to ``slip_weeks``). Before any signed
rating, and while the latest is disputed, the value is unknown (NaN) until a milestone says
what is planned: a rating is never invented.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from hmc.forecast.methods import Array
from hmc.framework.records import MilestoneInfo


def rated_paths(
    last: float,
    milestones: list[MilestoneInfo],
    weeks: list[date],
    paths: int,
    rng: np.random.Generator,
) -> Array:
    """``(paths, len(weeks))`` levels; ``weeks`` are the last days of the future weeks."""
    out = np.full((paths, len(weeks)), last, dtype=float)
    ends = np.array(weeks, dtype="datetime64[D]")
    for milestone in sorted(milestones, key=lambda m: m.by):
        due = np.full(paths, np.datetime64(milestone.by, "D"))
        slips = rng.random(paths) < milestone.slip_chance
        weeks_late = rng.integers(1, max(milestone.slip_weeks, 1) + 1, size=paths)
        due = due + np.where(slips, weeks_late * 7, 0).astype("timedelta64[D]")
        reached = ends[None, :] >= due[:, None]
        raised = np.where(np.isnan(out), milestone.level, np.maximum(out, milestone.level))
        out = np.where(reached, raised, out)
    return out
