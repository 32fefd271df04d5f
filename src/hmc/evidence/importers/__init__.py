"""The registry of import formats: one module per format, each with its source and reader."""

from __future__ import annotations

from hmc.errors import EvidenceError
from hmc.evidence.importers import (
    acled,
    esoc,
    gdelt,
    geocausal,
    musings,
    sigacts,
    ucdp_ged,
    ucdp_weekly,
    us_forces,
)
from hmc.evidence.importers.base import (
    EVENT_COLUMNS,
    EventRow,
    Format,
    ObservationRow,
    Rows,
    SourceInfo,
    new_event,
    observation_key,
)
from hmc.evidence.importers.columns import EVENT_SCHEMA, Irregular
from hmc.evidence.importers.csvfile import (
    Batch,
    CsvFile,
    Record,
    Table,
    checked_text,
    digest,
    open_binary,
)
from hmc.evidence.importers.detect import detect
from hmc.evidence.importers.mapping import load_mapping, mapped_format

# In the order detection tries them: a format whose header is a superset of another's first.
FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        esoc.FORMAT,
        sigacts.FORMAT,
        us_forces.FORMAT,
        musings.FORMAT,
        ucdp_weekly.FORMAT,
        ucdp_ged.CANDIDATE_FORMAT,
        ucdp_ged.FORMAT,
        acled.FORMAT,
        geocausal.ATTACKS_FORMAT,
        geocausal.AIRSTRIKES_FORMAT,
        gdelt.FORMAT,
    )
}

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_SCHEMA",
    "FORMATS",
    "Batch",
    "CsvFile",
    "EventRow",
    "Format",
    "Irregular",
    "ObservationRow",
    "Record",
    "Rows",
    "SourceInfo",
    "Table",
    "checked_text",
    "detect",
    "digest",
    "get_format",
    "load_mapping",
    "mapped_format",
    "new_event",
    "observation_key",
    "open_binary",
]


def get_format(name: str) -> Format:
    """The format called ``name``; an EvidenceError listing the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise EvidenceError(
            f'unknown format "{name}" (known formats: {known})', format=name
        ) from None
