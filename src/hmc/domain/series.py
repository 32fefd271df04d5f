"""Published counts turned into regular weekly or monthly series (pure, no I/O).

A count a source publishes covers a period: a week (ESOC, weekly tallies), a few days
(a partial week), a month, or a running total since a start date (``cumulative``). A
weekly indicator is a rate per seven days; a monthly one the count within the month.
Each value carries ``known_on``: the first day it could have been known.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

WEEKLY_MAX_DAYS = 9  # the last Stata week of a year runs 8–9 days
COLUMNS = ["period_start", "governorate", "value", "known_on"]


def week_start(day: date) -> date:
    """The Monday of the week holding ``day``.

    >>> week_start(date(2024, 1, 25))
    datetime.date(2024, 1, 22)
    """
    return day - timedelta(days=day.weekday())


def period_end(start: date, period: str) -> date:
    """The last day of the week or month that starts on ``start``."""
    if period == "week":
        return start + timedelta(days=6)
    following = (pd.Timestamp(start) + pd.offsets.MonthBegin(1)).date()
    return following - timedelta(days=1)


def _start_of(day: date, period: str) -> date:
    return week_start(day) if period == "week" else day.replace(day=1)


def from_counts(obs: pd.DataFrame, *, period: str) -> pd.DataFrame:
    """Series per governorate from observations of one series (a DataFrame as in the table).

    >>> obs = pd.DataFrame({"period_start": [date(2024, 1, 1), date(2024, 1, 8)],
    ...     "period_end": [date(2024, 1, 7), date(2024, 1, 10)], "basis": ["period"] * 2,
    ...     "governorate": [None, None], "value": [10.0, 3.0]})
    >>> from_counts(obs, period="week")["value"].tolist()
    [10.0, 7.0]
    """
    obs = obs.assign(governorate=obs["governorate"].astype(object))
    parts = [_from_period_counts(obs[obs["basis"] == "period"], period)]
    for _, group in obs[obs["basis"] == "cumulative"].groupby("governorate", dropna=False):
        parts.append(_from_cumulative(group, period))
    frames = [p for p in parts if not p.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _days(obs: pd.DataFrame) -> pd.Series:
    starts = pd.to_datetime(obs["period_start"])
    ends = pd.to_datetime(obs["period_end"])
    return (ends - starts).dt.days + 1


def _from_period_counts(obs: pd.DataFrame, period: str) -> pd.DataFrame:
    if obs.empty:
        return pd.DataFrame(columns=COLUMNS)
    obs = obs.assign(
        days=_days(obs),
        governorate=obs["governorate"].fillna("\0"),
        period_end=pd.to_datetime(obs["period_end"]),
    )
    if period == "week":
        short = obs[obs["days"] <= WEEKLY_MAX_DAYS]
        # a week that starts on a Thursday (ESOC) is filed under the Monday-week holding
        # most of its days: the one holding its middle day
        middle = [
            s + timedelta(days=(int(n) - 1) // 2)
            for s, n in zip(short["period_start"], short["days"], strict=True)
        ]
        short = short.assign(period_start=[week_start(d) for d in middle])
        out = short.groupby(["period_start", "governorate"], as_index=False).agg(
            value=("value", "sum"), days=("days", "sum"), known_on=("period_end", "max")
        )
        out["value"] = out["value"] * 7.0 / out["days"]
    else:
        calendar_month = [
            s.day == 1 and period_end(s, "month") == e.date()
            for s, e in zip(obs["period_start"], obs["period_end"], strict=True)
        ]
        whole = obs[calendar_month]
        short = obs[obs["days"] <= WEEKLY_MAX_DAYS]
        short = short.assign(period_start=[d.replace(day=1) for d in short["period_start"]])
        keys = ["period_start", "governorate"]
        agg = {"value": ("value", "sum"), "known_on": ("period_end", "max")}
        monthly = whole.groupby(keys, as_index=False).agg(**agg)
        summed = short.groupby(keys, as_index=False).agg(**agg)
        have = set(zip(monthly["period_start"], monthly["governorate"], strict=True))
        summed = summed[
            [k not in have for k in zip(summed["period_start"], summed["governorate"], strict=True)]
        ]
        out = pd.concat([monthly, summed], ignore_index=True)
    out["governorate"] = out["governorate"].replace("\0", None)
    out["known_on"] = out["known_on"].dt.date
    return out


def _from_cumulative(obs: pd.DataFrame, period: str) -> pd.DataFrame:
    """Spread each increase of a running total evenly over the days since the last report."""
    obs = obs.sort_values("period_end")
    start = min(obs["period_start"])
    days = pd.date_range(start, max(obs["period_end"]), freq="D")
    daily = np.full(len(days), np.nan)
    known = np.empty(len(days), dtype=object)
    previous_day, previous_total = start - timedelta(days=1), 0.0
    for reported_on, total in zip(obs["period_end"], obs["value"], strict=True):
        lo = (previous_day - start).days + 1
        hi = (reported_on - start).days + 1
        if hi > lo and total >= previous_total:
            daily[lo:hi] = (total - previous_total) / (hi - lo)
            known[lo:hi] = reported_on
        previous_day, previous_total = reported_on, total
    frame = pd.DataFrame({"day": days.date, "value": daily, "known_on": known})
    frame["period_start"] = [_start_of(d, period) for d in frame["day"]]
    out = frame.groupby("period_start", as_index=False).agg(
        value=("value", "sum"),
        n=("value", "count"),
        first=("day", "min"),
        known_on=("known_on", "max"),
    )
    complete = [
        n == (period_end(s, period) - s).days + 1
        for s, n in zip(out["period_start"], out["n"], strict=True)
    ]
    out = out[complete]
    out["governorate"] = obs["governorate"].iloc[0]
    return out
