"""Place names for reports: the gazetteer's (every spelling and city of Iraq's governorates)
and ``places.toml`` beside this module (Arabic names, bases, districts, places abroad).

This is the one module that knows where the gazetteer lives.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from hmc.errors import ConfigError
from hmc.gazetteers import load_gazetteer

COUNTRY = "iraq"
ABROAD = ""  # the "governorate" of a place outside the country


@lru_cache
def place_names() -> dict[str, dict[str, str]]:
    """Per language, each place name and its governorate's id (``ABROAD`` outside Iraq)."""
    gazetteer = load_gazetteer(COUNTRY)
    data = tomllib.loads(
        resources.files("hmc.gazetteers").joinpath(f"{COUNTRY}.toml").read_text("utf-8")
    )
    english: dict[str, str] = {}
    for entry in data["governorate"]:
        for name in (entry["name"], *entry.get("aliases", []), *entry.get("cities", [])):
            english[name] = entry["id"]
    extra = tomllib.loads(resources.files("hmc.news").joinpath("places.toml").read_text("utf-8"))
    arabic: dict[str, str] = {}
    for language, names in (("en", english), ("ar", arabic)):
        for slug, spellings in extra[language].items():
            if slug not in gazetteer.names:
                raise ConfigError(
                    f'news/places.toml: [{language}] "{slug}" is no governorate of {gazetteer.name}'
                )
            names.update(dict.fromkeys(spellings, slug))
        names.update(dict.fromkeys(extra["abroad"][language], ABROAD))
    return {"en": english, "ar": arabic}


def governorate_names() -> dict[str, str]:
    """The display name of each governorate, by id."""
    return load_gazetteer(COUNTRY).names
