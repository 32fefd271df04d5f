"""A tiny translation lookup for the pages' fixed labels (strings.toml, one table a language)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

DEFAULT = "en"
RTL = frozenset({"ar"})


@cache
def strings() -> dict[str, dict[str, str]]:
    """Every label, per language."""
    text = (files("hmc.web") / "strings.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def language(requested: str | None) -> str:
    """The requested language if we have it, else English."""
    return requested if requested in strings() else DEFAULT


def direction(lang: str) -> str:
    """The text direction of a language: "rtl" or "ltr"."""
    return "rtl" if lang in RTL else "ltr"


def translate(lang: str, key: str) -> str:
    """The label ``key`` in ``lang``, falling back to English (a missing key is a bug)."""
    table = strings()
    return table.get(lang, {}).get(key) or table[DEFAULT][key]


def plural(lang: str, n: int) -> str:
    """The plural category of ``n`` in ``lang`` (Unicode CLDR rules for Arabic and English).

    >>> [plural("ar", n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 103)]
    ['zero', 'one', 'two', 'few', 'few', 'many', 'many', 'other', 'few']
    >>> plural("en", 1), plural("en", 0), plural("en", 27)
    ('one', 'other', 'other')
    """
    if lang == "ar":
        if n <= 2:
            return ("zero", "one", "two")[n]
        if 3 <= n % 100 <= 10:
            return "few"
        return "many" if n % 100 >= 11 else "other"
    return "one" if n == 1 else "other"


def counted(lang: str, key: str, n: int) -> str:
    """The label ``key`` in its form for ``n`` (``key_one``, ``key_few``, ... or ``key_other``)."""
    table = strings().get(lang, {})
    form = f"{key}_{plural(lang, n)}"
    text = table.get(form) or table.get(f"{key}_other") or translate(lang, f"{key}_other")
    return text.format(n=n)
