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
