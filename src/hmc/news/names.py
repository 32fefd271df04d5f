"""Names found in a sentence: actors with their party or kind, targets, places.

The lists are configuration: ``actors.toml`` (parties' officials and institutions, armed
groups, what attacks on the Coalition hit, events reports count from) and the places of
:mod:`hmc.news.places`. English names match whole words ignoring case, except short
capitals ("US", "IS") and places, which must be written as proper names ("Hit" is a town,
"hit" is not). Arabic names match folded, with the clitics that attach to them
(«بالأنبار», «وللقوات»).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from hmc.news.folding import Folded, fold_text
from hmc.news.places import place_names

Meaning = tuple[str, str, str]  # kind, value, group id
_ARTICLE = r"(?:(?:[Aa][lsdtnrz]|[Aa]sh|[Ee]l)[-\s'])?"


@dataclass(frozen=True)
class Name:
    """A name found: what it is (``party``, ``group``, ``target``, ``place``), its value."""

    kind: str
    value: str  # the party's id, the group's kind, the target's kind, the governorate's id
    text: str
    start: int
    end: int
    group: str = ""


_GAP = re.compile(r"[\s-]+")


def _key(name: str) -> str:
    """What a name is looked up by: spaces and hyphens between its words as one space."""
    return _GAP.sub(" ", name.strip())


def _alternation(names: list[str], *, flexible: bool) -> str:
    parts = [re.escape(n) for n in sorted(names, key=len, reverse=True)]
    return "|".join(p.replace(r"\ ", r"[\s-]+") if flexible else p for p in parts) or "(?!)"


class Matcher:
    """One regular expression for many names, each with what it means.

    The names are one alternation, longest first, behind one check of the word's start (an
    alternation of separate patterns is several times slower to search). A match is looked
    up by its words (:func:`_key`) to find what it means.
    """

    def __init__(self, entries: dict[str, list[Meaning]], language: str, *, exact: bool):
        self._exact = exact
        self._meaning: dict[str, list[Meaning]] = {}
        for name, meanings in entries.items():
            key = _key(name if exact else fold_text(name))
            self._meaning.setdefault(key, []).extend(meanings)
        names = list(self._meaning)
        if not names:
            self._pattern = None
        elif language == "ar":
            article = _alternation([n[2:] for n in names if n.startswith("ال")], flexible=True)
            bare = _alternation([n for n in names if not n.startswith("ال")], flexible=True)
            self._pattern = re.compile(
                rf"(?<![\w])(?:(?:[وف]?[بك]?ال|[وف]?لل)(?P<a>{article})"
                rf"|[وف]?[بلك]?(?P<b>{bare}))(?![\w])"
            )
        else:
            prefix = _ARTICLE if exact else ""
            self._pattern = re.compile(
                rf"(?<![\w]){prefix}(?P<b>{_alternation(names, flexible=True)})(?![\w])"
            )

    def find(self, folded: Folded) -> list[Name]:
        """Every name in ``folded``, without overlaps, leftmost-longest."""
        if self._pattern is None:
            return []
        text = folded.original if self._exact else folded.text
        found = []
        for match in self._pattern.finditer(text):
            article = match.groupdict().get("a")
            key = _key("ال" + article if article is not None else match["b"])
            start, end = match.span()
            if self._exact:  # offsets in the original, back to the folded text
                start = bisect.bisect_left(folded.starts, start)
                end = bisect.bisect_left(folded.starts, end)
            for kind, value, group in self._meaning.get(key, []):
                found.append(Name(kind, value, folded.quote(start, end), start, end, group))
        return found


@dataclass(frozen=True)
class Lexicon:
    """The names of one language."""

    loose: Matcher
    exact: Matcher
    places: Matcher
    anchors: tuple[tuple[str, date], ...]

    def find(self, folded: Folded) -> list[Name]:
        """Every actor, target and place in ``folded``, in order of where it is."""
        found = self.loose.find(folded)
        taken = [(n.start, n.end) for n in found]
        for name in self.exact.find(folded):
            if not any(s < name.end and name.start < e for s, e in taken):
                found.append(name)
        return sorted([*found, *self.places.find(folded)], key=lambda n: n.start)


def _actors() -> dict[str, Any]:
    text = resources.files("hmc.news").joinpath("actors.toml").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache
def lexicon(language: str) -> Lexicon:
    """The names of ``language`` (``en`` or ``ar``), read once."""
    data = _actors()
    key = "names" if language == "en" else "names_ar"
    loose: dict[str, list[Meaning]] = {}
    exact: dict[str, list[Meaning]] = {}
    places: dict[str, list[Meaning]] = {}
    for section, kind, value in (
        ("target", "target", "kind"),
        ("group", "group", "kind"),
        ("party", "party", "id"),
    ):
        for entry in data[section]:
            for name in entry.get(key, []):
                short = language == "en" and name.replace(".", "").isupper() and len(name) <= 5
                meaning = (kind, str(entry[value]), str(entry.get("id", "")))
                (exact if short else loose).setdefault(name, []).append(meaning)
    for name, slug in place_names()[language].items():
        places[name] = [("place", slug, "")]
    anchors = tuple(
        (fold_text(words), date.fromisoformat(str(entry["day"])))
        for entry in data["anchor"]
        for words in entry.get(key, [])
    )
    return Lexicon(
        Matcher(loose, language, exact=False),
        Matcher(exact, language, exact=True),
        Matcher(places, language, exact=language == "en"),
        anchors,
    )
