"""The language a user's text is written in: given, or read from its script."""

from __future__ import annotations

import unicodedata

from hmc.errors import InvalidInput
from hmc.meetings.models import LANGUAGES


def detected(text: str) -> str:
    """``ar`` if the first letter with a direction is right-to-left, else ``en``.

    >>> detected("قرار اللجنة"), detected("The commission decided"), detected("2024: قرار")
    ('ar', 'en', 'ar')
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "ar"
        if kind == "L":
            return "en"
    return "en"


def language(text: str, given: str | None, *, field: str = "lang") -> str:
    """The language ``given`` (one of LANGUAGES), else the one ``text`` is written in.

    >>> language("قرار", None), language("قرار", "en")
    ('ar', 'en')
    """
    if given is None or not given.strip():
        return detected(text)
    if given not in LANGUAGES:
        raise InvalidInput(f"{field} must be {' or '.join(LANGUAGES)}, not {given!r}", field=field)
    return given
