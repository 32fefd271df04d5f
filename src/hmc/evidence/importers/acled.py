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

from hmc.domain.days import day_problem
from hmc.evidence.gazetteer import gazetteer_of
from hmc.evidence.importers.base import Format, RowReader, Rows, SourceInfo, new_event
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
        facets = {
            "disorder_type": record.text("disorder_type") if has_disorder else "",
            "event_type": record.text("event_type"),
            "sub_event_type": record.text("sub_event_type"),
            "actor1": actor1,
            "actor2": actor2,
        }
        country = record.text("country")
        gazetteer = gazetteer_of(country) if country else None
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
                governorate=gazetteer.governorate(record.text("admin1")) if gazetteer else None,
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


FORMAT = Format(
    name="acled",
    description="ACLED event export (data export tool or API), the codebook's columns",
    source=SOURCE,
    header=("event_id_cnty", "event_date", "sub_event_type", "actor1", "admin1"),
    start=start,
    reads=None,
)
