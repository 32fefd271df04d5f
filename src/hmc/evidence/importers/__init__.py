"""The registry of import formats: one module per format, each with its source and parser."""

from __future__ import annotations

from hmc.errors import EvidenceError
from hmc.evidence.importers import esoc, musings, sigacts, ucdp, us_forces
from hmc.evidence.importers.base import (
    EventRow,
    Format,
    ObservationRow,
    Parsed,
    SourceInfo,
    observation_key,
)
from hmc.evidence.importers.csvfile import CsvFile, read_bytes

FORMATS: dict[str, Format] = {
    module.FORMAT.name: module.FORMAT for module in (esoc, sigacts, us_forces, musings, ucdp)
}

__all__ = [
    "FORMATS",
    "CsvFile",
    "EventRow",
    "Format",
    "ObservationRow",
    "Parsed",
    "SourceInfo",
    "get_format",
    "observation_key",
    "read_bytes",
]


def get_format(name: str) -> Format:
    """The format called ``name``; an EvidenceError listing the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise EvidenceError(
            f'unknown format "{name}" (known formats: {known})', format=name
        ) from None
