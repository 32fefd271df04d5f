"""The dates hmc works with: one range, and one strict way to read a day.

Every date hmc computes with (a replay's ``as_of``, a gate's ``not_before`` and
``no_later_than``, every ``--as-of`` a user asks for and every date an evidence file holds)
lies within :data:`EARLIEST` to :data:`LATEST` (:func:`day_problem` says when one does
not), and text is read as a date by :func:`parse_day` only, so that the configuration, the
importers, the API, the pages and the command line accept the same dates and say the same
when they don't. A date a user types into an option or a form's field is read by
:func:`typed_day`, which names the field in an :class:`hmc.errors.InvalidInput`. Pure: the
standard library and hmc's errors only.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import overload

from hmc.errors import InvalidInput

__all__ = [
    "EARLIEST",
    "LATEST",
    "NoSuchDay",
    "OutOfRange",
    "day_problem",
    "parse_day",
    "typed_day",
]

EARLIEST = date(1900, 1, 1)
"""The first date hmc computes with (weeks and windows reach back before a date)."""
LATEST = date(2199, 12, 31)
"""The last date hmc computes with (a gate is evaluated on every week up to a date)."""
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOWN = 40  # a longer text is cut in messages
# In English whatever the locale, like every message.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class OutOfRange(ValueError):
    """A well-formed date outside :data:`EARLIEST` to :data:`LATEST`."""


class NoSuchDay(ValueError):
    """Text of the form YYYY-MM-DD that names no day of the calendar (e.g. 2024-13-01)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f'"{text}" is not a valid date ({reason})')
        self.reason = reason


def day_problem(day: date) -> str | None:
    """Why hmc cannot compute with ``day`` (outside EARLIEST..LATEST), or None.

    >>> day_problem(date(2007, 6, 30)) is None
    True
    >>> day_problem(date(2199, 12, 31)) is None
    True
    >>> day_problem(date(1899, 12, 31))
    '1899-12-31 is outside the dates hmc works with (1900-01-01 to 2199-12-31)'
    """
    if EARLIEST <= day <= LATEST:
        return None
    return f"{day.isoformat()} is outside the dates hmc works with ({EARLIEST} to {LATEST})"


def parse_day(text: str) -> date:
    """``text`` as a date: exactly YYYY-MM-DD, from EARLIEST to LATEST.

    Raises ValueError saying what is wrong (OutOfRange for a real date outside the range);
    the caller adds where the text came from.

    >>> parse_day("2007-06-30")
    datetime.date(2007, 6, 30)
    >>> parse_day("2024-13-01")
    Traceback (most recent call last):
      ...
    hmc.domain.days.NoSuchDay: "2024-13-01" is not a valid date (there is no month 13)
    >>> parse_day("2023-02-29")
    Traceback (most recent call last):
      ...
    hmc.domain.days.NoSuchDay: "2023-02-29" is not a valid date (February 2023 has 28 days)
    >>> parse_day("20070630")
    Traceback (most recent call last):
      ...
    ValueError: "20070630" is not a date (expected YYYY-MM-DD)
    >>> try:
    ...     parse_day("9999-12-31")
    ... except OutOfRange as exc:
    ...     print(exc)
    9999-12-31 is outside the dates hmc works with (1900-01-01 to 2199-12-31)
    >>> parse_day("2199-12-31"), parse_day("1900-01-01")
    (datetime.date(2199, 12, 31), datetime.date(1900, 1, 1))
    """
    if not _DAY.fullmatch(text):
        shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "…"
        raise ValueError(f'"{shown}" is not a date (expected YYYY-MM-DD)')
    problem = _no_such_day(*(int(part) for part in text.split("-")))
    if problem:
        raise NoSuchDay(text, problem)
    day = date.fromisoformat(text)
    problem = day_problem(day)
    if problem:
        raise OutOfRange(problem)
    return day


@overload
def typed_day(text: str, *, field: str) -> date: ...
@overload
def typed_day(text: None, *, field: str) -> None: ...
@overload
def typed_day(text: str | None, *, field: str) -> date | None: ...
def typed_day(text: str | None, *, field: str) -> date | None:
    """The date a user typed into ``field`` (None: none typed), read by :func:`parse_day`.

    An InvalidInput names the field (an option, a form's field) and says what is wrong.

    >>> typed_day("2007-06-30", field="--as-of"), typed_day(None, field="--as-of")
    (datetime.date(2007, 6, 30), None)
    >>> typed_day("30/06/2007", field="--as-of")
    Traceback (most recent call last):
      ...
    hmc.errors.InvalidInput: --as-of: "30/06/2007" is not a date (expected YYYY-MM-DD)
    >>> try:
    ...     typed_day("2200-01-01", field="as_of")
    ... except InvalidInput as exc:
    ...     print(exc.status, exc.details)
    422 {'field': 'as_of'}
    """
    if text is None:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}", field=field) from None


def _no_such_day(year: int, month: int, day: int) -> str | None:
    """Why year-month-day names no day of the calendar, or None.

    >>> _no_such_day(2024, 2, 29) is None
    True
    >>> _no_such_day(0, 0, 0), _no_such_day(2007, 6, 0), _no_such_day(2007, 6, 31)
    ('there is no month 0', 'there is no day 0', 'June 2007 has 30 days')
    >>> _no_such_day(0, 1, 1)
    'there is no year 0'
    """
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year == 0:
        return "there is no year 0"
    if day == 0:
        return "there is no day 0"
    length = calendar.monthrange(year, month)[1]
    if day > length:
        return f"{_MONTHS[month - 1]} {year} has {length} days"
    return None
