"""Gazetteers: a country's governorates, their other spellings and their cities.

The names are data (``hmc/gazetteers/<country>.toml``, read by ``hmc.gazetteers``); this
module only checks, folds and matches them, with no I/O: the caller passes in the parsed
file. Matching folds case, accents, punctuation, hyphens and spaces, drops a leading article
listed in the file ("Al-Anbar", "al Anbar" and "ANBAR" are one name) and, when the name is
not known with it, a trailing "Governorate" or "Province" ("Aleppo Governorate").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hmc.errors import ConfigError, EvidenceError

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_ARTICLE_ENDS = " -'`’"
_SUFFIXES = ("governorate", "province")
# A truncated city ("Baghd") is resolved only from this many folded characters on.
MIN_PREFIX = 4


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str
    aliases: list[str] = []
    cities: list[str] = []


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str
    name: str
    codes: list[str] = []  # the country's codes in conflict data: FIPS 10-4 (GDELT), ISO
    articles: list[str] = []
    governorate: list[_Entry] = Field(min_length=1)


def fold(name: str, articles: tuple[str, ...] = ()) -> str:
    """``name`` reduced for matching: no case, accents, punctuation, spaces or leading article."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().strip()
    for article in articles:
        size = len(article)
        if len(text) > size + 1 and text.startswith(article) and text[size] in _ARTICLE_ENDS:
            text = text[size + 1 :]
            break
    return _NOT_ALNUM.sub("", text)


class Gazetteer:
    """The governorates of one country, found by any of their spellings or by a city."""

    def __init__(self, model: _File, *, file: str) -> None:
        """The gazetteer ``model`` describes; ``file`` names it in errors."""
        self.country = model.country
        self.name = model.name
        self.codes = tuple(code.upper() for code in model.codes)
        self._articles = tuple(a.lower() for a in model.articles)
        self._names = {entry.id: entry.name for entry in model.governorate}
        self._keys: dict[str, str] = {}
        self._cities: dict[str, str] = {}
        for entry in model.governorate:
            for spelling in (entry.id, entry.name, *entry.aliases):
                self._add(self._keys, spelling, entry.id, file=file)
            for city in entry.cities:
                self._add(self._cities, city, entry.id, file=file)
        self._cache: dict[tuple[str, bool], str | None] = {}
        self._spelt: dict[str, str | None] = {}

    @classmethod
    def from_data(cls, data: Mapping[str, object], *, file: str) -> Gazetteer:
        """The gazetteer a parsed file holds; a ConfigError naming ``file`` and the key if wrong.

        >>> data = {"country": "iraq", "name": "Iraq", "articles": ["al"],
        ...         "governorate": [{"id": "anbar", "name": "Anbar", "cities": ["Ramadi"]}]}
        >>> iraq = Gazetteer.from_data(data, file="iraq.toml")
        >>> iraq.governorate("Al-Anbar"), iraq.governorate_of_city("RAMADI")
        ('anbar', 'anbar')
        >>> Gazetteer.from_data({"country": "iraq", "name": "Iraq"}, file="iraq.toml")
        Traceback (most recent call last):
        hmc.errors.ConfigError: iraq.toml: governorate: Field required
        """
        try:
            model = _File.model_validate(data)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise ConfigError(f"{file}: {where}: {problem['msg']}") from exc
        return cls(model, file=file)

    def _add(self, keys: dict[str, str], spelling: str, slug: str, *, file: str) -> None:
        key = self._fold(spelling)
        if not key:
            raise ConfigError(f'{file}: "{spelling}" ({slug}) is empty once folded')
        if keys.setdefault(key, slug) != slug:
            raise ConfigError(f'{file}: "{spelling}" names both {keys[key]} and {slug}')

    def _fold(self, name: str) -> str:
        return fold(name, self._articles)

    @property
    def names(self) -> dict[str, str]:
        """Display name of each governorate, by slug, in the file's order."""
        return dict(self._names)

    def governorate(self, name: str) -> str | None:
        """The slug of the governorate ``name`` spells, or None."""
        try:
            return self._spelt[name]
        except KeyError:
            found = self._spelt[name] = self._governorate(name)
            return found

    def _governorate(self, name: str) -> str | None:
        key = self._fold(name)
        found = self._keys.get(key)
        for suffix in _SUFFIXES:
            if found is None and key.endswith(suffix):
                found = self._keys.get(key.removesuffix(suffix))
        return found

    def governorate_of_city(self, city: str, *, truncated: bool = False) -> str | None:
        """The governorate of ``city`` (or of a governorate's own name); None if unknown."""
        # With ``truncated``, ``city`` may be cut short ("Baghd"): it is resolved when all the
        # known names it begins (from MIN_PREFIX folded characters on) lie in one governorate.
        cache_key = (city, truncated)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve_city(self._fold(city), truncated)
        return self._cache[cache_key]

    def _resolve_city(self, key: str, truncated: bool) -> str | None:
        if not key:
            return None
        found = self._cities.get(key) or self._keys.get(key)
        if found or not truncated or len(key) < MIN_PREFIX:
            return found
        slugs = {
            slug
            for keys in (self._cities, self._keys)
            for known, slug in keys.items()
            if known.startswith(key)
        }
        return slugs.pop() if len(slugs) == 1 else None

    def require(self, name: str, *, where: str, **details: object) -> str:
        """The slug of governorate ``name``; an EvidenceError naming ``where`` if unknown."""
        slug = self.governorate(name)
        if slug is not None:
            return slug
        message = f'{where}: "{name}" is not a governorate of {self.name}'
        close = difflib.get_close_matches(self._fold(name), list(self._keys), n=1, cutoff=0.75)
        if close:
            message += f' (did you mean "{self._names[self._keys[close[0]]]}"?)'
        raise EvidenceError(message, **details)
