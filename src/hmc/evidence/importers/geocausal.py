"""Insurgent attacks and airstrikes in Iraq, 2006-2008, from the geocausal R package.

Files: ``geocausal_iraq_insurgent_attacks_{2006,2007_2008}.csv`` and
``geocausal_iraq_airstrikes_{2006,2007_2008}.csv`` (columns ``date``, ``longitude``,
``latitude``, ``type``), from mmukaigawara/geocausal (MIT): the data of a study of
airstrikes and insurgent violence in Iraq. Attacks are of type ``IED``, ``SAF`` (small
arms fire) or ``other``; airstrikes ``Airstrike`` or ``SOF`` (a show of force).

Each row is one Event on its day, at its coordinates; the files give no place name, so the
governorate is not known (hmc has no governorate boundaries). The files give no id either:
the external key is the row's content and its occurrence in the file, so identical rows
stay distinct events and the same file imported again adds nothing. The category comes from
the configuration, by the facet ``type``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial

from hmc.evidence.importers.base import Format, RowReader, Rows, SourceInfo, new_event
from hmc.evidence.importers.csvfile import Record, Table

URL = "https://github.com/mmukaigawara/geocausal"
LICENCE = "MIT (geocausal R package)"
ATTACKS = SourceInfo(
    key="geocausal-attacks",
    name="Insurgent attacks in Iraq 2006-2008 (geocausal R package)",
    url=URL,
    licence=LICENCE,
    reliability="C",
)
AIRSTRIKES = SourceInfo(
    key="geocausal-airstrikes",
    name="Airstrikes in Iraq 2006-2008 (geocausal R package)",
    url=URL,
    licence=LICENCE,
    reliability="C",
)
COLUMNS = ("date", "longitude", "latitude", "type")
ATTACK_TYPES = ("IED", "SAF", "other")
AIRSTRIKE_TYPES = ("Airstrike", "SOF")


def reader(types: tuple[str, ...]) -> Callable[[Table, Rows], RowReader]:
    """What reads a file whose events are of ``types``."""

    def start(table: Table, out: Rows) -> RowReader:
        """One Event per row, keyed by its content and its occurrence in the file."""
        table.require(*COLUMNS)
        return partial(read, out, Counter())

    def read(out: Rows, seen: Counter[tuple[str, ...]], record: Record) -> None:
        kind = record.text("type")
        if kind not in types:
            record.fail("type", f'"{record.shown("type")}" is not one of: {", ".join(types)}')
        day = record.parse_date("date")
        latitude = record.parse_coordinate("latitude", 90)
        longitude = record.parse_coordinate("longitude", 180)
        cells = (day.isoformat(), record.text("latitude"), record.text("longitude"), kind)
        seen[cells] += 1
        out.event(
            new_event(
                external_key=":".join((*cells, str(seen[cells]))),
                occurred_on=day,
                category=out.category({"type": kind}),
                event_type=kind.lower(),
                country="Iraq",
                latitude=latitude,
                longitude=longitude,
            )
        )

    return start


def fits(types: tuple[str, ...]) -> Callable[[dict[str, str]], str | None]:
    """Why a first row is not of ``types`` (None: it is)."""
    return lambda row: None if row.get("type") in types else f"type is not {' or '.join(types)}"


ATTACKS_FORMAT = Format(
    name="geocausal-attacks",
    description="Insurgent attacks in Iraq, 2006-2008 (geocausal: date, coordinates, type)",
    source=ATTACKS,
    header=COLUMNS,
    start=reader(ATTACK_TYPES),
    fits=fits(ATTACK_TYPES),
)
AIRSTRIKES_FORMAT = Format(
    name="geocausal-airstrikes",
    description="Airstrikes in Iraq, 2006-2008 (geocausal: date, coordinates, type)",
    source=AIRSTRIKES,
    header=COLUMNS,
    start=reader(AIRSTRIKE_TYPES),
    fits=fits(AIRSTRIKE_TYPES),
)
