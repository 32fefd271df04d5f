"""UCDP Georeferenced Event Dataset (GED) and UCDP Candidate events, as UCDP publishes them.

Files: the GED CSV (``GEDEvent_v24_1.csv`` and the like: one row per event, the columns of
the GED codebook) and the monthly Candidate events CSV (``GEDEvent_v25_0_1.csv`` and the
like: the same columns, with ``code_status`` saying how far the event was vetted).

Each row is one Event: ``id`` is the source's own id; ``date_start`` the date, with
``date_prec`` its precision (1 the day, 2 within 2-6 days, 3 the week, 4 the month, 5 the
year); ``country`` and ``adm_1`` the governorate (through the country's gazetteer, where
hmc has one: Iraq, Syria); ``where_coordinates`` the place, ``latitude`` and ``longitude``;
``side_a`` and ``side_b`` the actors; ``best``, ``low`` and ``high`` the fatalities;
``source_article`` the text. ``type_of_violence`` (1 state-based, 2 non-state, 3
one-sided) is the event type. The category comes from the configuration, by the facets
``type_of_violence``, ``side_a``, ``side_b`` and ``dyad_name``.
"""

from __future__ import annotations

import pyarrow as pa

from hmc.evidence.importers import columns as col
from hmc.evidence.importers.base import (
    ColumnReader,
    Format,
    RowReader,
    Rows,
    SourceInfo,
    governorate,
    new_event,
    place,
)
from hmc.evidence.importers.csvfile import Record, Table

UCDP = "https://ucdp.uu.se/downloads/"
LICENCE = "CC BY 4.0 (UCDP: free reuse with citation)"
GED = SourceInfo(
    key="ucdp-ged",
    name="UCDP Georeferenced Event Dataset (GED)",
    url=UCDP,
    licence=LICENCE,
    reliability="A",
    family="ucdp",
)
CANDIDATE = SourceInfo(
    key="ucdp-candidate",
    name="UCDP Candidate Events Dataset (monthly, not yet fully vetted)",
    url=UCDP,
    licence=LICENCE,
    reliability="B",
    family="ucdp",
)
PRECISION = {"1": "day", "2": "days", "3": "week", "4": "month", "5": "year"}
VIOLENCE = {"1": "state_based", "2": "non_state", "3": "one_sided"}
COLUMNS = (
    "id",
    "type_of_violence",
    "dyad_name",
    "side_a",
    "side_b",
    "source_article",
    "where_coordinates",
    "adm_1",
    "latitude",
    "longitude",
    "country",
    "date_prec",
    "date_start",
    "low",
    "best",
    "high",
)
MAX_KEY = 128
MAX_TEXT = 300  # actors, places: the size of their columns


def start(table: Table, out: Rows) -> RowReader:
    """One Event per row."""
    table.require(*COLUMNS)

    def read(record: Record) -> None:
        (key, violence, dyad, side_a, side_b, article, place, adm_1) = (
            record.text(c) for c in COLUMNS[:8]
        )
        country, date_prec = record.text("country"), record.text("date_prec")
        if not key or len(key) > MAX_KEY:
            record.fail("id", f"must be 1 to {MAX_KEY} characters")
        if violence not in VIOLENCE:
            record.fail(
                "type_of_violence", f'"{record.shown("type_of_violence")}" is not 1, 2 or 3'
            )
        precision = PRECISION.get(date_prec)
        if precision is None:
            record.fail("date_prec", f'"{record.shown("date_prec")}" is not 1 to 5')
        side_a, side_b = side_a[:MAX_TEXT], side_b[:MAX_TEXT]
        low, best, high = (record.parse_optional_int(f) for f in ("low", "best", "high"))
        out.event(
            new_event(
                external_key=key,
                occurred_on=record.parse_date("date_start"),
                date_precision=precision,
                category=out.category(facets(violence, side_a, side_b, dyad)),
                event_type=VIOLENCE[violence],
                actor1=side_a,
                actor2=side_b,
                country=country[:64],
                governorate=governorate(country, adm_1),
                location=place[:200],
                latitude=record.parse_coordinate("latitude", 90),
                longitude=record.parse_coordinate("longitude", 180),
                deaths=best,
                deaths_low=low,
                deaths_high=high,
                description=article,
            )
        )

    return read


def columns(table: Table, out: Rows) -> ColumnReader:
    """A batch of rows at once, as :func:`start` reads each."""

    def read(cells: pa.RecordBatch) -> pa.RecordBatch:
        violence = col.text(cells, "type_of_violence")
        side_a, side_b = col.text(cells, "side_a", MAX_TEXT), col.text(cells, "side_b", MAX_TEXT)
        dyad = col.text(cells, "dyad_name")
        return col.events(
            cells.num_rows,
            external_key=col.sized(col.text(cells, "id"), MAX_KEY),
            occurred_on=col.day(cells, "date_start"),
            date_precision=col.choice(col.text(cells, "date_prec"), PRECISION),
            category=col.mapped(
                lambda *f: out.category(facets(*f)), violence, side_a, side_b, dyad
            ),
            event_type=col.choice(violence, VIOLENCE),
            actor1=side_a,
            actor2=side_b,
            **place(cells, country="country", admin="adm_1", location="where_coordinates"),
            deaths=col.whole(cells, "best"),
            deaths_low=col.whole(cells, "low"),
            deaths_high=col.whole(cells, "high"),
            description=col.text(cells, "source_article"),
        )

    return read


def facets(violence: str, side_a: str, side_b: str, dyad: str) -> dict[str, str]:
    """What the configuration's categories match an event on."""
    return {"type_of_violence": violence, "side_a": side_a, "side_b": side_b, "dyad_name": dyad}


FORMAT = Format(
    name="ucdp-ged",
    description="UCDP Georeferenced Event Dataset (GED), events as UCDP publishes them",
    source=GED,
    header=COLUMNS,
    start=start,
    columns=columns,
    reads=COLUMNS,
)
CANDIDATE_FORMAT = Format(
    name="ucdp-candidate",
    description="UCDP Candidate events (monthly), the GED's columns with code_status",
    source=CANDIDATE,
    header=(*COLUMNS, "code_status"),
    start=start,
    columns=columns,
    reads=COLUMNS,
)
