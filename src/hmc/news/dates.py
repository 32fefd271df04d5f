"""Dates in a sentence, resolved against the day the report was published.

A day is given only when the words name one: "on Tuesday" is the latest Tuesday on or
before publication (the next one when the sentence speaks of what will happen), "yesterday"
the day before, "24 January" that day in the year that puts it nearest. Vaguer words give
an interval and never a made-up day: "last week" (Monday to Sunday), "last month",
"in August 2023", "in 2023", «الشهر الماضي». Hijri dates are read on the Umm al-Qura
calendar. Text is folded (:mod:`hmc.news.folding`) before it is matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from hmc.news import calendar as cal
from hmc.news.folding import Folded
from hmc.news.items import When
from hmc.news.numbers import value_of


def _names(words: Mapping[str, int]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTHS = {**cal.EN_MONTHS, **cal.AR_MONTHS}
_M = rf"(?P<m>{_names(_MONTHS)})\.?(?:\s*/\s*(?:{_names(_MONTHS)}))?"
_H = rf"(?P<h>{_names(cal.HIJRI_MONTHS)})"
_W = rf"(?P<w>{_names(cal.WEEKDAYS)})"
_Y = r"(?P<y>(?:19|20)\d\d)"
_D = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_HIJRI_MARK = r"\s*(?:هـ|ه\b|للهجرة|هجري|هجرية)"
_FUTURE = re.compile(
    r"\b(?:will|would|is to|are to|scheduled|expected to|next|upcoming|plans? to)\b"
    r"|(?:^|\s)(?:سوف|ست[عنبج]|سي[عنبجل]|المقبل|المقبلة|القادم|القادمة|من المقرر|من المنتظر)"
)
_W_END = r"(?![\w])"
_W_START = r"(?<![\w])"

Dates = tuple[date | None, date | None, date | None]  # a day, or the first and last of an interval
Resolver = Callable[[re.Match[str], date, bool], Dates]


def _full(m: re.Match[str], published: date, ahead: bool) -> Dates:
    try:
        return (date(int(m["y"]), _MONTHS[m["m"]], int(m["d"])), None, None)
    except ValueError:
        return (None, None, None)


def _numeric(m: re.Match[str], published: date, ahead: bool) -> Dates:
    try:
        if m["iso"]:
            return (date.fromisoformat(m["iso"]), None, None)
        return (date(int(m["yy"]), int(m["mm"]), int(m["dd"])), None, None)
    except ValueError:
        return (None, None, None)


def _day_month(m: re.Match[str], published: date, ahead: bool) -> Dates:
    return (cal.day_near(published, _MONTHS[m["m"]], int(m["d"]), ahead=ahead), None, None)


def _hijri_day(m: re.Match[str], published: date, ahead: bool) -> Dates:
    year = int(m["y"]) if m["y"] else cal.hijri_year_of(published)
    found = cal.hijri_to_gregorian(year, cal.HIJRI_MONTHS[m["h"]], int(m["d"]))
    if found is not None and not m["y"] and found > published and not ahead:
        found = cal.hijri_to_gregorian(year - 1, cal.HIJRI_MONTHS[m["h"]], int(m["d"]))
    return (found, None, None)


def _hijri_month(m: re.Match[str], published: date, ahead: bool) -> Dates:
    found = cal.hijri_month(int(m["y"]), cal.HIJRI_MONTHS[m["h"]])
    return (None, *found) if found else (None, None, None)


def _weekday(m: re.Match[str], published: date, ahead: bool) -> Dates:
    strict = bool(m["last"] or m["last_ar"])
    day = cal.weekday_near(
        published, cal.WEEKDAYS[m["w"]], ahead=ahead and not strict, strict=strict
    )
    return (day, None, None)


def _days_back(m: re.Match[str], published: date, ahead: bool) -> Dates:
    back = {"yesterday": 1, "امس": 1, "البارحة": 1, "today": 0, "tonight": 0, "اليوم": 0,
            "last night": 1, "الليلة الماضية": 1}  # fmt: skip
    words = m["rel"]
    if words in back:
        return (published - timedelta(days=back[words]), None, None)
    if words in ("the day before yesterday", "اول امس", "اول من امس"):
        return (published - timedelta(days=2), None, None)
    count = 2 if m["dual"] else value_of(m["n"] or m["n_ar"] or "")
    return (published - timedelta(days=count), None, None) if count else (None, None, None)


def _night(m: re.Match[str], published: date, ahead: bool) -> Dates:
    """The night from one day to the next («ليلة الأحد على الإثنين»): both days."""
    last = cal.weekday_near(published, cal.WEEKDAYS[m["w2"]], ahead=False)
    if (last.weekday() - cal.WEEKDAYS[m["w"]]) % 7 != 1:
        return (None, None, None)
    return (None, last - timedelta(days=1), last)


_UNIT_DAYS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30,
              "ايام": 1, "اسابيع": 7, "اشهر": 30, "يومين": 2, "اسبوعين": 14, "شهرين": 60,
              "اسبوع": 7, "شهر": 30}  # fmt: skip


def _span_back(m: re.Match[str], published: date, ahead: bool) -> Dates:
    """A span up to publication ("in the past two weeks", «خلال أسبوع»); none ahead."""
    count = 1 if m["one"] or m["two"] else value_of(m["k"] or m["k_ar"] or "")
    unit = m["u"] or m["u_ar"] or m["one"] or m["two"]
    if ahead or not count:
        return (None, None, None)
    return (None, published - timedelta(days=count * _UNIT_DAYS[unit]), published)


def _month_interval(m: re.Match[str], published: date, ahead: bool) -> Dates:
    month = _MONTHS[m["m"]]
    if m["y"]:
        year = int(m["y"])
    elif m["past"] and "year" in m["past"]:  # "in August last year"
        year = published.year - 1
    else:
        year = cal.month_near(
            published, month, ahead=ahead and not m["past"], strict=bool(m["past"])
        )
    return (None, date(year, month, 1), cal.month_end(year, month))


def _relative_interval(m: re.Match[str], published: date, ahead: bool) -> Dates:
    unit = m["unit"] or "year"
    if unit in ("week", "الاسبوع"):
        return (None, *cal.previous_week(published))
    if unit in ("month", "الشهر"):
        return (None, *cal.previous_month(published))
    year = published.year - 1
    return (None, date(year, 1, 1), date(year, 12, 31))


def _this_interval(m: re.Match[str], published: date, ahead: bool) -> Dates:
    unit = m["this"] or m["this_ar"]
    if unit in ("week", "الاسبوع"):
        return (None, published - timedelta(days=published.weekday()), published)
    if unit in ("month", "الشهر"):
        return (None, published.replace(day=1), published)
    return (None, published.replace(month=1, day=1), published)


def _year(m: re.Match[str], published: date, ahead: bool) -> Dates:
    year = int(m["y"])
    return (None, date(year, 1, 1), date(year, 12, 31))


_RELATIVE = r"(?P<unit>week|month|year|الاسبوع|الشهر|العام|السنة)"
_AR_PAST = r"(?:الماضي|الماضية|المنصرم|المنصرمة)"
# In order of precedence: the first kind found in a sentence gives its date.
PATTERNS: list[tuple[re.Pattern[str], Resolver]] = [
    (re.compile(rf"{_W_START}{_D}\s+(?:من\s+)?{_M},?\s+(?:عام\s+)?{_Y}"), _full),
    (re.compile(rf"{_W_START}{_M}\s+{_D},?\s+{_Y}"), _full),
    (re.compile(r"(?<![\d/-])(?:(?P<iso>20\d\d-[01]\d-[0-3]\d)|(?P<dd>[0-3]?\d)/(?P<mm>[01]?\d)/(?P<yy>20\d\d))(?![\d/-])"), _numeric),  # noqa: E501
    (re.compile(rf"{_W_START}{_D}\s+(?:من\s+)?{_H}(?:\s+(?:عام\s+)?(?P<y>1[34]\d\d))?(?:{_HIJRI_MARK})?"), _hijri_day),  # noqa: E501
    (re.compile(rf"{_W_START}{_H}\s+(?:عام\s+|من\s+العام\s+)?(?P<y>1[34]\d\d){_HIJRI_MARK}"), _hijri_month),  # noqa: E501
    (re.compile(rf"{_W_START}{_D}\s+(?:من\s+)?{_M}{_W_END}(?!,?\s+(?:عام\s+)?(?:19|20)\d\d)"), _day_month),  # noqa: E501
    (re.compile(rf"{_W_START}{_M}\s+{_D}{_W_END}(?!,?\s+(?:19|20)\d\d)"), _day_month),
    (re.compile(
        r"(?<![\w])(?P<rel>the day before yesterday|yesterday|last night|today|tonight|اول من امس|اول امس|الليلة الماضية|امس|البارحة)(?![\w])"  # noqa: E501
        r"|(?<![\w])(?:(?P<n>\w+) days? ago|قبل (?:(?P<dual>يومين)|(?P<n_ar>\w+) ايام))(?![\w])"
    ), _days_back),
    (re.compile(rf"(?<![\w])(?:ليلة|ليل|the night (?:of|from)) {_W} (?:على|الى|to|into) (?P<w2>{_names(cal.WEEKDAYS)})"), _night),  # noqa: E501
    (re.compile(rf"(?<![\w])(?P<last>last |)(?:(?:on|يوم) )?{_W}(?P<last_ar> الماضي)?{_W_END}"), _weekday),  # noqa: E501
    (re.compile(rf"(?<![\w])(?:in|during|since|في|خلال|منذ|شهر)\s+(?:(?:mid|early|late)-?\s*|(?:منتصف|مطلع|اواخر|بداية)\s+)?(?:شهر\s+)?{_M}(?:,?\s+{_Y}|(?P<past>\s+الماضي|\s+last year))?{_W_END}"), _month_interval),  # noqa: E501
    (re.compile(rf"(?<![\w\d]){_M}\s+{_Y}"), _month_interval),
    (re.compile(rf"(?<![\w])(?:last|the past|past) {_RELATIVE}(?![\w])"), _relative_interval),
    (re.compile(rf"(?<![\w]){_RELATIVE} {_AR_PAST}(?![\w])|(?<![\w])(?P<ar_year>السنة الماضية)"), _relative_interval),  # noqa: E501
    (re.compile(r"(?<![\w])(?:(?:earlier )?this (?P<this>week|month|year)|(?P<this_ar>الاسبوع|الشهر|العام) (?:الجاري|الحالي))(?![\w])"), _this_interval),  # noqa: E501
    (re.compile(r"(?<![\w])(?:since )?the (?:start|beginning) of (?:the |this )?(?P<this>week|month|year)(?![\w])|(?<![\w])(?:منذ )?(?:بداية|مطلع) (?P<this_ar>الاسبوع|الشهر|العام)(?: الجاري| الحالي)?(?![\w])(?! (?:الماضي|المنصرم))"), _this_interval),  # noqa: E501
    (re.compile(rf"(?<![\w])(?:in|during|عام|العام|خلال عام|في عام|سنة)\s+{_Y}(?![\w])"), _year),
    (re.compile(r"(?<![\w])(?:(?:in|within|over|during)\s+(?:the\s+)?(?:past\s+|last\s+)?(?P<k>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?P<u>days?|weeks?|months?)"
                r"|خلال\s+(?:(?P<two>يومين|اسبوعين|شهرين)|(?P<one>اسبوع|شهر)|(?P<k_ar>\w+)\s+(?P<u_ar>ايام|اسابيع|اشهر)))(?![\w])"), _span_back),  # noqa: E501
]  # fmt: skip


_SINCE = re.compile(
    r"(?<![\w])(?:since|منذ)\s+(?:(?:mid|early|late)-?\s*|(?:منتصف|مطلع|اواخر|بداية)\s+)?"
)


@dataclass(frozen=True)
class Dated:
    """Date words found in a sentence: where they are in the folded text, and what they give."""

    start: int
    end: int
    when: When


def dates(folded: Folded, published: date, anchors: Sequence[tuple[str, date]] = ()) -> list[Dated]:
    """Every date in the sentence ``folded``, the kinds of date words in order of precedence
    (then in order of the text), none overlapping one found before.

    After "since" («منذ») the date is an interval from it to publication; ``anchors`` are
    events counted from ("since the war in Gaza began"), each as its folded words and day.
    """
    found: list[Dated] = []
    for pattern, resolve in PATTERNS:
        for match in pattern.finditer(folded.text):
            begin, end = match.span()
            if any(d.start < end and begin < d.end for d in found):
                continue
            ahead = bool(_FUTURE.search(folded.text, max(0, begin - 50), begin))
            day, start, last = resolve(match, published, ahead)
            if day is None and start is None:
                continue
            since = _SINCE.search(folded.text, max(0, begin - 16), begin + 6)
            if since and since.end() >= begin:
                begin = min(since.start(), begin)
                dated = When(text=folded.quote(begin, end).strip(), start=day or start,
                             end=published)  # fmt: skip
            else:
                dated = When(text=folded.quote(begin, end).strip(), day=day, start=start, end=last)
            found.append(Dated(begin, end, dated))
    anchored = _since_anchor(folded, published, anchors)
    return [*found, anchored] if anchored else found


def when(folded: Folded, published: date, anchors: Sequence[tuple[str, date]] = ()) -> When | None:
    """The date of the sentence ``folded``: the first kind of date words found, resolved
    (see :func:`dates`). A day is read ahead ("will meet on Sunday" is the next Sunday) when
    words of the future come just before it."""
    found = dates(folded, published, anchors)
    return found[0].when if found else None


def _since_anchor(
    folded: Folded, published: date, anchors: Sequence[tuple[str, date]]
) -> Dated | None:
    for since in _SINCE.finditer(folded.text):
        after = folded.text[since.end() : since.end() + 60]
        for words, day in anchors:
            at = after.find(words)
            if at >= 0:
                end = since.end() + at + len(words)
                found = When(text=folded.quote(since.start(), end), start=day, end=published)
                return Dated(since.start(), end, found)
    return None
