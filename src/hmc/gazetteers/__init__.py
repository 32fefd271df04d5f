"""The gazetteers hmc ships, one TOML file per country, read once each.

What a gazetteer is and how it matches names lives in ``hmc.domain.gazetteer``; this package
holds the files and reads them.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from hmc.domain.gazetteer import Gazetteer, fold
from hmc.errors import ConfigError

__all__ = ["gazetteer_of", "gazetteers", "load_gazetteer"]

_COUNTRY = re.compile(r"[a-z][a-z0-9_-]*")


@lru_cache
def load_gazetteer(country: str) -> Gazetteer:
    """The gazetteer of ``country`` from ``hmc/gazetteers/<country>.toml``, read once."""
    folder = resources.files(__name__)
    file = f"{country}.toml"
    resource = folder / file
    if not _COUNTRY.fullmatch(country) or not resource.is_file():
        known = sorted(
            p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
        )
        raise ConfigError(f'no gazetteer for country "{country}" (known: {", ".join(known)})')
    try:
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"gazetteers/{file}: {exc}") from exc
    gazetteer = Gazetteer.from_data(data, file=f"gazetteers/{file}")
    if gazetteer.country != country:
        raise ConfigError(f'gazetteers/{file}: country is "{gazetteer.country}", not "{country}"')
    return gazetteer


def gazetteers() -> list[Gazetteer]:
    """Every gazetteer hmc has, one per country."""
    folder = resources.files(__name__)
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".toml"))
    return [load_gazetteer(name.removesuffix(".toml")) for name in names]


@lru_cache(maxsize=256)
def gazetteer_of(country: str) -> Gazetteer | None:
    """The gazetteer of the country ``country`` names (its name, id or a code), or None."""
    key = fold(country)
    for gazetteer in gazetteers():
        if key in (fold(gazetteer.name), gazetteer.country) or country.upper() in gazetteer.codes:
            return gazetteer
    return None
