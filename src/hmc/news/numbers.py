"""Numbers as reports write them: digits (also Arabic-Indic, once folded), words in English
and Arabic, "a dozen", and the qualifier before them ("about 150", «نحو 150»)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_EN_UNITS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a dozen": 12,
    "a hundred": 100, "hundred": 100,
}  # fmt: skip
_AR_UNITS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2, "ثلاثة": 3,
    "ثلاث": 3, "اربعة": 4, "اربع": 4, "خمسة": 5, "خمس": 5, "ستة": 6, "ست": 6, "سبعة": 7,
    "سبع": 7, "ثمانية": 8, "ثماني": 8, "ثمان": 8, "تسعة": 9, "تسع": 9, "عشرة": 10, "عشر": 10,
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "اربعين": 40, "اربعون": 40,
    "خمسين": 50, "خمسون": 50, "ستين": 60, "ستون": 60, "سبعين": 70, "سبعون": 70,
    "ثمانين": 80, "ثمانون": 80, "تسعين": 90, "تسعون": 90, "مئة": 100, "مائة": 100,
    "مئتين": 200, "مائتين": 200, "مئتي": 200, "مائتي": 200, "الف": 1000, "عشرات": None,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "مئة": 100, "مائة": 100, "الف": 1000}
QUALIFIERS = {
    "about": "about", "around": "about", "approximately": "about", "roughly": "about",
    "some": "about", "an estimated": "about", "nearly": "nearly", "almost": "nearly",
    "close to": "nearly", "more than": "more_than", "over": "more_than",
    "at least": "at_least", "up to": "up_to", "fewer than": "fewer_than",
    "less than": "fewer_than", "نحو": "about", "حوالي": "about", "حوالى": "about",
    "زهاء": "about", "ما يقارب": "nearly", "قرابة": "nearly", "ما يقرب من": "nearly",
    "اكثر من": "more_than", "ازيد من": "more_than", "ما يزيد على": "more_than",
    "ما يزيد عن": "more_than", "ما لا يقل عن": "at_least", "لا يقل عن": "at_least",
    "اقل من": "fewer_than",
}  # fmt: skip


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_WORD = f"(?:{_alternation(_EN_UNITS)}|{_alternation(_AR_UNITS)}|hundred|thousand)"
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?<![\w.,])(?:(?P<q>{_alternation(QUALIFIERS)})\s+)?"
    rf"(?P<n>(?:{_DIGITS})(?:\s+(?:thousand|الف))?|{_WORD}(?:[\s-]+(?:and\s+|و)?{_WORD})*)(?!\w)"
)


@dataclass(frozen=True)
class Number:
    """A number in folded text: its value, its qualifier (``about`` …), where it is."""

    value: int | None
    qualifier: str | None
    start: int
    end: int


def numbers(folded: str) -> list[Number]:
    """Every number in ``folded`` text (see :func:`hmc.news.folding.fold_text`).

    >>> [(n.value, n.qualifier) for n in numbers("about 150 attacks, nearly two dozen rockets")]
    [(150, 'about'), (24, 'nearly')]
    >>> [(n.value, n.qualifier) for n in numbers("نحو 150 هجوما و ثلاثة جنود")]
    [(150, 'about'), (3, None)]
    """
    found = []
    for match in _NUMBER.finditer(folded):
        value = value_of(match["n"])
        qualifier = QUALIFIERS.get(match["q"]) if match["q"] else None
        found.append(Number(value, qualifier, match.start(), match.end()))
    return found


def value_of(words: str) -> int | None:
    """The value of a number written in digits or words; None for "dozens", «عشرات».

    >>> value_of("1,500"), value_of("two hundred and fifty"), value_of("ثلاثة"), value_of("4 الف")
    (1500, 250, 3, 4000)
    """
    parts = [p for p in re.split(r"[\s-]+|(?<=\s)و", words.strip()) if p not in ("and", "", "و")]
    total = current = 0
    for part in parts:
        if re.fullmatch(_DIGITS, part):
            current += int(float(part.replace(",", "")))
        elif part in _SCALES:
            current = max(current, 1) * _SCALES[part]
            if _SCALES[part] >= 1000:
                total, current = total + current, 0
        else:
            unit = _EN_UNITS.get(part, _AR_UNITS.get(part))
            if unit is None:
                return None
            current = current * unit if unit == 12 and current else current + unit
    return total + current
