"""Declassified Iraq SIGACT records, January 2004 to July 2007, as tabulated by Vincent Bauer.

File: ``sigacts_iraq_2004_2007_bauer.csv`` (columns ``datetime``, ``epoch_seconds``,
``event_type``, ``target``, ``city``), from knapply/data4ds4da (GPL-3), upstream CENTCOM
reports released under FOIA. All records are enemy-initiated, so every Event has category
``attack``. Records are not geolocated: the governorate comes from the city through the
gazetteer, and is None when the city is unknown or missing.

The ``target`` and ``city`` cells are often shifted into each other when the PDFs were
tabulated: "Coalition     Baghdad", "Coalition Forces   Ba", "e   Coalition Forces",
a city cell "Iraqi Security Forces   Mosul", or "Target"/"City" (header text). Both cells
are cut at runs of spaces; the target is the first segment that is a target label, the
city is what follows it (from the city cell first, else from the target cell, where it may
be cut short: "Baghd" is resolved only if every known name it begins is in one governorate).
Targets become ``coalition``, ``isf`` (Iraqi Security Forces, Host Nation), ``civilian``,
``infrastructure``, ``other`` (reconstruction, government, "enemy") or ``unknown``. When
the cells were repaired, the Event's description keeps them as recorded.

The PDFs' page headings were tabulated as rows too (no date, event type "Attack Type",
target "Target", city "City"): they are skipped, and counted as skipped rows.

``datetime`` is wall-clock time (probably Iraq local time), stored naive; ``epoch_seconds``
is not used. The external key is a hash of the whole row plus a counter, so identical
rows (distinct reports of the same minute, type, target and city) stay distinct events.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache

from hmc.domain.gazetteer import Gazetteer
from hmc.evidence.importers.base import Format, RowReader, Rows, SourceInfo, new_event
from hmc.evidence.importers.csvfile import Record, Table
from hmc.gazetteers import load_gazetteer

SOURCE = SourceInfo(
    key="sigacts-bauer",
    name="Iraq SIGACT records 2004-2007 (CENTCOM FOIA release, tabulated by V. Bauer)",
    url="https://github.com/knapply/data4ds4da",
    licence="US government FOIA release; tabulation in a GPL-3 R package",
    reliability="B",
)
TARGETS = (
    ("coalition", "coalition"),
    ("iraqi security force", "isf"),
    ("host nation", "isf"),
    ("civilian", "civilian"),
    ("infrastructure", "infrastructure"),
    ("reconstruction operation", "other"),
    ("government organization", "other"),
    ("enemy", "other"),
    ("none", "unknown"),
)
MIN_LABEL = 4  # a label cut shorter than this ("e", "ms") is column-shift debris
JUNK_PLACES = frozenset({"target", "city", "target city"})
EVENT_TYPES = {
    "": "unknown",
    "n_a": "unknown",
    "attack_type": "unknown",  # header text
    "indirect_fir": "indirect_fire",
    "land_mine": "mine",
    "multiple_ieds": "ied",
    "vest": "suicide_vest",
}
PAGE_HEADER = "Attack Type"  # the PDFs' column headings, repeated on each page
# The sizes of Event.location and Event.event_type: PostgreSQL refuses anything longer.
MAX_LOCATION = 200
MAX_EVENT_TYPE = 64
_SPACES = re.compile(r"\s{2,}")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def target_label(segment: str) -> str | None:
    """The normalised target a segment names ("Coalition Forces", "Iraqi Security Force")."""
    text = " ".join(segment.lower().split())
    for label, target in TARGETS:
        if text.startswith(label) or text.endswith(" " + label):
            return target
        if len(text) >= MIN_LABEL and label.startswith(text):
            return target
    return None


def split_cell(cell: str) -> tuple[str | None, tuple[str, ...]]:
    """The target label a cell holds (if any) and the segments that may name a place."""
    segments = tuple(s.strip() for s in _SPACES.split(cell.strip()) if s.strip())
    for i, segment in enumerate(segments):
        label = target_label(segment)
        if label is not None:
            return label, segments[i + 1 :]
    return None, segments


@lru_cache(maxsize=4096)
def event_type(raw: str) -> str:
    """``raw`` as a slug: "Small Arms" → ``small_arms``; several types → ``multiple``."""
    if "," in raw or "/" in raw:
        return "multiple"
    slug = _NOT_ALNUM.sub("_", raw.strip().lower()).strip("_")
    return EVENT_TYPES.get(slug, slug)


def place(target_cell: str, city_cell: str, gazetteer: Gazetteer) -> tuple[str, str, bool]:
    """The target, the city and whether the city came from the target cell (may be cut)."""
    from_target, target_places = split_cell(target_cell)
    from_city, city_places = split_cell(city_cell)
    target = from_target or from_city or "unknown"
    for segment in city_places:
        if segment.lower() not in JUNK_PLACES:
            return target, segment, False
    for segment in target_places:
        if segment.lower() in JUNK_PLACES:
            continue
        # Without a label before it, a lone segment may be a cut event type: keep known places.
        if from_target or gazetteer.governorate_of_city(segment) is not None:
            return target, segment, True
    return target, "", False


def start(table: Table, out: Rows) -> RowReader:
    """One Event per record (its category from the configuration, by type and target)."""
    table.require("datetime", "event_type", "target", "city")
    gazetteer = load_gazetteer("iraq")
    seen: Counter[str] = Counter()
    places: dict[tuple[str, str], tuple[str, str, str | None]] = {}

    def read(record: Record) -> None:
        if not record.text("datetime") and record.text("event_type") == PAGE_HEADER:
            out.skip()
            return
        occurred_at = record.parse_datetime("datetime")
        raw = record.raw()
        digest = hashlib.sha256("\x1f".join(raw).encode()).hexdigest()[:32]
        seen[digest] += 1
        target_cell, city_cell = record.text("target"), record.text("city")
        cells = (target_cell, city_cell)
        if cells not in places:
            target, city, cut = place(target_cell, city_cell, gazetteer)
            if len(city) > MAX_LOCATION:
                record.fail(
                    "target" if cut else "city",
                    f"a place name of {len(city)} characters (at most {MAX_LOCATION})",
                )
            governorate = gazetteer.governorate_of_city(city, truncated=cut) if city else None
            places[cells] = (target, city, governorate)
        target, city, governorate = places[cells]
        repaired = city != city_cell or "  " in target_cell
        description = f'as recorded: target "{target_cell}", city "{city_cell}"' if repaired else ""
        kind = event_type(record.text("event_type"))
        if len(kind) > MAX_EVENT_TYPE:
            record.fail("event_type", f"{len(kind)} characters (at most {MAX_EVENT_TYPE})")
        event = new_event(
            external_key=f"{digest}:{seen[digest]}",
            occurred_on=occurred_at.date(),
            occurred_at=occurred_at,
            category=out.category({"event_type": kind, "target": target}),
            event_type=kind,
            target=target,
            country="Iraq",
            governorate=governorate,
            location=city,
            description=description,
        )
        out.event(event)

    return read


FORMAT = Format(
    name="sigacts",
    description="Declassified Iraq SIGACT records (attacks, by city), 2004-2007, Bauer's table",
    source=SOURCE,
    header=("datetime", "epoch_seconds", "event_type", "target", "city"),
    start=start,
)
