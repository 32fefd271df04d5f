"""Weeks (from Monday), months and quarters: where a day falls, where a period ends.

Pure date arithmetic, shared by the indicators, the gates' reading of them and the timeline.
"""

from __future__ import annotations

from datetime import date, timedelta

PERIODS = ("week", "month", "quarter")


def week_start(day: date) -> date:
    """The Monday of the week holding ``day``.

    >>> week_start(date(2024, 1, 25))
    datetime.date(2024, 1, 22)
    """
    return day - timedelta(days=day.weekday())


def period_start(day: date, period: str) -> date:
    """The first day of the week (a Monday), month or quarter holding ``day``.

    >>> period_start(date(2024, 8, 15), "quarter"), period_start(date(2024, 8, 15), "week")
    (datetime.date(2024, 7, 1), datetime.date(2024, 8, 12))
    """
    if period == "week":
        return week_start(day)
    if period == "month":
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_start(start: date, period: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period == "week":
        return start + timedelta(days=7)
    months = 1 if period == "month" else 3
    year, month = divmod(start.month - 1 + months, 12)
    return date(start.year + year, month + 1, 1)


def period_end(start: date, period: str) -> date:
    """The last day of the period that starts on ``start``.

    >>> period_end(date(2024, 2, 1), "month"), period_end(date(2024, 1, 22), "week")
    (datetime.date(2024, 2, 29), datetime.date(2024, 1, 28))
    """
    return next_start(start, period) - timedelta(days=1)


def calendar(first: date, last: date) -> list[tuple[str, date, date]]:
    """The rows of ``hmc_period``: every period that holds a day from ``first`` to ``last``.

    >>> [f"{p} {s}" for p, s, _ in calendar(date(2024, 1, 31), date(2024, 2, 1))]
    ['week 2024-01-29', 'month 2024-01-01', 'month 2024-02-01', 'quarter 2024-01-01']
    """
    rows = []
    for period in PERIODS:
        start = period_start(first, period)
        while start <= last:
            following = next_start(start, period)
            rows.append((period, start, following - timedelta(days=1)))
            start = following
    return rows
