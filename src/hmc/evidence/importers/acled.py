"""ACLED (Armed Conflict Location & Event Data) exports, as ACLED delivers them.

File: a CSV from ACLED's data export tool or API, with the columns of ACLED's codebook
(``event_id_cnty``, ``event_date``, ``time_precision``, ``disorder_type``, ``event_type``,
``sub_event_type``, ``actor1``, ``actor2``, ``country``, ``admin1``, ``location``,
``latitude``, ``longitude``, ``source``, ``notes``, ``fatalities`` and others, ignored).

Each row is one Event: ``event_id_cnty`` is the source's own id; ``event_date`` the date,
written ``YYYY-MM-DD`` (the API) or ``15 January 2024`` (the export tool), with
``time_precision`` its precision (1 the day, 2 the week, 3 the month); ``admin1`` the
governorate (through the country's gazetteer); ``actor1`` and ``actor2`` the actors;
``fatalities`` the deaths (ACLED gives one figure: low, best and high alike); ``notes``
the text, with ACLED's ``source``. The event type is the ``sub_event_type``; the category
comes from the configuration, by the facets ``disorder_type``, ``event_type``,
``sub_event_type``, ``actor1`` and ``actor2``.
"""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from hmc.domain.days import day_problem
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

SOURCE = SourceInfo(
    key="acled",
    name="ACLED, Armed Conflict Location & Event Data",
    url="https://acleddata.com",
    licence="ACLED terms of use (attribution; redistribution of the data restricted)",
    reliability="B",
)
PRECISION = {"1": "day", "2": "week", "3": "month"}
COLUMNS = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "source",
    "notes",
    "fatalities",
)
FACETS = ("disorder_type", "event_type", "sub_event_type", "actor1", "actor2")
MAX_KEY = 128
MAX_TEXT = 300


def event_date(record: Record) -> date:
    """``event_date``: YYYY-MM-DD, or day, month name and year ("15 January 2024")."""
    text = record.digits("event_date", "dates")
    if "-" in text:
        return record.parse_date("event_date")
    try:
        day = datetime.strptime(text, "%d %B %Y").date()
    except ValueError:
        record.fail(
            "event_date",
            f'"{record.shown("event_date")}" is not a date (expected YYYY-MM-DD or '
            '"15 January 2024")',
        )
    if problem := day_problem(day):
        record.fail("event_date", problem)
    return day


def start(table: Table, out: Rows) -> RowReader:
    """One Event per row."""
    table.require(*COLUMNS)
    has_disorder = table.has("disorder_type")

    def read(record: Record) -> None:
        key = record.text("event_id_cnty")
        if not key or len(key) > MAX_KEY:
            record.fail("event_id_cnty", f"must be 1 to {MAX_KEY} characters")
        precision = PRECISION.get(record.text("time_precision"))
        if precision is None:
            record.fail("time_precision", f'"{record.shown("time_precision")}" is not 1, 2 or 3')
        actor1, actor2 = record.text("actor1")[:MAX_TEXT], record.text("actor2")[:MAX_TEXT]
        disorder = record.text("disorder_type") if has_disorder else ""
        found = (disorder, record.text("event_type"), record.text("sub_event_type"), actor1, actor2)
        facets = dict(zip(FACETS, found, strict=True))
        country = record.text("country")
        deaths = record.parse_optional_int("fatalities")
        notes, source = record.text("notes"), record.text("source")
        out.event(
            new_event(
                external_key=key,
                occurred_on=event_date(record),
                date_precision=precision,
                category=out.category(facets),
                event_type=facets["sub_event_type"][:64],
                actor1=actor1,
                actor2=actor2,
                country=country[:64],
                governorate=governorate(country, record.text("admin1")),
                location=record.text("location")[:200],
                latitude=record.parse_coordinate("latitude", 90),
                longitude=record.parse_coordinate("longitude", 180),
                deaths=deaths,
                deaths_low=deaths,
                deaths_high=deaths,
                description=f"{notes} (source: {source})" if source else notes,
            )
        )

    return read


def columns(table: Table, out: Rows) -> ColumnReader:
    """A batch of rows at once, as :func:`start` reads each."""
    has_disorder = table.has("disorder_type")

    def read(cells: pa.RecordBatch) -> pa.RecordBatch:
        actor1, actor2 = col.text(cells, "actor1", MAX_TEXT), col.text(cells, "actor2", MAX_TEXT)
        sub_event = col.text(cells, "sub_event_type")
        notes, source = col.text(cells, "notes"), col.text(cells, "source")
        empty = pa.array([""] * cells.num_rows, pa.string())
        disorder = col.text(cells, "disorder_type") if has_disorder else empty
        facets = (disorder, col.text(cells, "event_type"), sub_event, actor1, actor2)
        deaths = col.whole(cells, "fatalities")
        return col.events(
            cells.num_rows,
            external_key=col.sized(col.text(cells, "event_id_cnty"), MAX_KEY),
            occurred_on=col.mapped(
                lambda day: event_date(col.one_cell(table.name, "event_date", day)),
                cells.column("event_date"),
                type=pa.date32(),
            ),
            date_precision=col.choice(col.text(cells, "time_precision"), PRECISION),
            category=col.mapped(
                lambda *f: out.category(dict(zip(FACETS, f, strict=True))), *facets
            ),
            event_type=pc.utf8_slice_codeunits(sub_event, 0, 64),
            actor1=actor1,
            actor2=actor2,
            **place(cells, country="country", admin="admin1", location="location"),
            deaths=deaths,
            deaths_low=deaths,
            deaths_high=deaths,
            description=pc.if_else(
                pc.equal(source, ""),
                notes,
                pc.binary_join_element_wise(notes, " (source: ", source, ")", ""),
            ),
        )

    return read


FORMAT = Format(
    name="acled",
    description="ACLED event export (data export tool or API), the codebook's columns",
    source=SOURCE,
    header=("event_id_cnty", "event_date", "sub_event_type", "actor1", "admin1"),
    start=start,
    columns=columns,
    reads=None,
)
