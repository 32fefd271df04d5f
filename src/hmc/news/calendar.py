"""The words of the calendar in English and Arabic (folded, see :mod:`hmc.news.folding`)."""

from __future__ import annotations

import calendar as gregorian
from datetime import date, timedelta

EN_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
AR_MONTHS = {
    "كانون الثاني": 1, "يناير": 1, "شباط": 2, "فبراير": 2, "اذار": 3, "مارس": 3, "نيسان": 4,
    "ابريل": 4, "ايار": 5, "مايو": 5, "حزيران": 6, "يونيو": 6, "يونيه": 6, "تموز": 7,
    "يوليو": 7, "يوليه": 7, "اب": 8, "اغسطس": 8, "ايلول": 9, "سبتمبر": 9,
    "تشرين الاول": 10, "اكتوبر": 10, "تشرين الثاني": 11, "نوفمبر": 11, "كانون الاول": 12,
    "ديسمبر": 12,
}  # fmt: skip
HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع الاخر": 4, "ربيع الثاني": 4,
    "جمادى الاولى": 5, "جمادى الاخرة": 6, "جمادى الثانية": 6, "رجب": 7, "شعبان": 8,
    "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعة": 4,
    "السبت": 5, "الاحد": 6,
}  # fmt: skip


def month_end(year: int, month: int) -> date:
    """The last day of ``month``."""
    return date(year, month, gregorian.monthrange(year, month)[1])


def weekday_near(published: date, weekday: int, *, ahead: bool, strict: bool = False) -> date:
    """The ``weekday`` nearest ``published``: on or before it, or on or after it ``ahead``.

    >>> weekday_near(date(2024, 1, 25), 1, ahead=False)  # Tuesday before Thursday 25 January
    datetime.date(2024, 1, 23)
    >>> tuesday = date(2024, 1, 23)
    >>> weekday_near(tuesday, 1, ahead=False), weekday_near(tuesday, 1, ahead=False, strict=True)
    (datetime.date(2024, 1, 23), datetime.date(2024, 1, 16))
    >>> weekday_near(date(2024, 1, 25), 6, ahead=True)
    datetime.date(2024, 1, 28)
    """
    if ahead:
        step = (weekday - published.weekday()) % 7 or (7 if strict else 0)
        return published + timedelta(days=step)
    step = (published.weekday() - weekday) % 7 or (7 if strict else 0)
    return published - timedelta(days=step)


def month_near(published: date, month: int, *, ahead: bool, strict: bool = False) -> int:
    """The year of the ``month`` nearest ``published`` (its own month unless ``strict``)."""
    year = published.year
    if ahead:
        return (
            year
            if month > published.month or (month == published.month and not strict)
            else year + 1
        )
    if month < published.month or (month == published.month and not strict):
        return year
    return year - 1


def day_near(published: date, month: int, day: int, *, ahead: bool) -> date | None:
    """``day`` of ``month`` in the year that puts it nearest ``published`` (None if no such day)."""
    for year in (published.year, published.year + (1 if ahead else -1)):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if (found >= published) if ahead else (found <= published):
            return found
    return None


def previous_week(published: date) -> tuple[date, date]:
    """Monday to Sunday of the week before the one ``published`` is in."""
    monday = published - timedelta(days=published.weekday() + 7)
    return monday, monday + timedelta(days=6)


def previous_month(published: date) -> tuple[date, date]:
    """The first and last day of the month before ``published``'s."""
    last = published.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """The Gregorian day of a Hijri (Umm al-Qura) date; None outside the calendar's range.

    >>> hijri_to_gregorian(1445, 7, 12)
    datetime.date(2024, 1, 24)
    """
    from hijridate import Hijri  # imported here: the CLI's start stays fast

    try:
        found = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(found.year, found.month, found.day)


def hijri_month(year: int, month: int) -> tuple[date, date] | None:
    """The Gregorian first and last day of a Hijri month.

    >>> hijri_month(1445, 9)  # Ramadan 1445
    (datetime.date(2024, 3, 11), datetime.date(2024, 4, 9))
    """
    from hijridate import Hijri

    try:
        length = Hijri(year, month, 1).month_length()
    except (ValueError, OverflowError):
        return None
    first, last = hijri_to_gregorian(year, month, 1), hijri_to_gregorian(year, month, length)
    return (first, last) if first and last else None


def hijri_year_of(day: date) -> int:
    """The Hijri year ``day`` falls in."""
    from hijridate import Gregorian

    return int(Gregorian(day.year, day.month, day.day).to_hijri().year)
