"""GDELT 2.0 event files, as GDELT publishes them every 15 minutes.

File: ``YYYYMMDDHHMMSS.export.CSV.zip``: a zip holding one tab-separated file, without a
header row, of the 61 columns of the GDELT 2.0 event codebook (:data:`COLUMNS`), cells not
quoted. GDELT covers the world: rows whose action took place in a country hmc has no
gazetteer for are skipped (and counted as skipped).

Each row is one Event: ``GLOBALEVENTID`` is the source's own id; ``SQLDATE`` (YYYYMMDD)
the date; ``ActionGeo_FullName`` the place ("Mosul, Ninawa, Iraq": the governorate is the
part before the country), ``ActionGeo_Lat`` and ``ActionGeo_Long`` its coordinates;
``Actor1Name`` and ``Actor2Name`` the actors; ``SOURCEURL`` the link. The event type is
``cameo_`` and the CAMEO code. The category comes from the configuration, by the facets
``EventCode``, ``EventBaseCode``, ``EventRootCode``, ``QuadClass``, ``Actor1Code`` and
``Actor2Code``: CAMEO codes map to the commission's categories there (e.g. root code 19,
"fight", by an actor coded ``USAMIL``, to ``coalition_strike``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import BinaryIO

from hmc.domain.days import day_problem
from hmc.evidence.importers.base import Format, RowReader, Rows, SourceInfo, new_event
from hmc.evidence.importers.csvfile import CsvFile, Record, Table
from hmc.gazetteers import gazetteer_of

SOURCE = SourceInfo(
    key="gdelt",
    name="GDELT 2.0 Event Database (machine-coded from news reports)",
    url="https://www.gdeltproject.org/data.html",
    licence="GDELT: unlimited and unrestricted use, with citation",
    reliability="D",
)
_ACTOR = [
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
    "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
]  # fmt: skip
_GEO = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR),
    *(f"Actor2{name}" for name in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{name}" for name in _GEO),
    *(f"Actor2Geo_{name}" for name in _GEO),
    *(f"ActionGeo_{name}" for name in _GEO),
    "DATEADDED", "SOURCEURL",
]  # fmt: skip
FACETS = ("EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "Actor1Code", "Actor2Code")
READS = (
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Name",
    "Actor2Name",
    *FACETS,
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "SOURCEURL",
)
_SQLDATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")


def table(name: str, stream: BinaryIO) -> Table:
    """GDELT's tab-separated rows, without a header, cells not quoted."""
    return CsvFile(name, stream, delimiter="\t", names=COLUMNS, quoted=False)


def sql_date(record: Record) -> date:
    """``SQLDATE``, written YYYYMMDD."""
    found = _SQLDATE.fullmatch(record.digits("SQLDATE", "dates"))
    try:
        day = date(*(int(part) for part in found.groups())) if found else None
    except ValueError:
        day = None
    if day is None:
        record.fail("SQLDATE", f'"{record.shown("SQLDATE")}" is not a date (expected YYYYMMDD)')
    if problem := day_problem(day):
        record.fail("SQLDATE", problem)
    return day


def start(table: Table, out: Rows) -> RowReader:
    """One Event per row that took place in a country hmc has a gazetteer for."""

    def read(record: Record) -> None:
        gazetteer = gazetteer_of(record.text("ActionGeo_CountryCode") or "-")
        if gazetteer is None:
            out.skip()
            return
        key = record.text("GLOBALEVENTID")
        if not key.isdigit():
            record.fail("GLOBALEVENTID", f'"{record.shown("GLOBALEVENTID")}" is not a number')
        place = record.text("ActionGeo_FullName")
        parts = [part.strip() for part in place.split(",")]
        actor1, actor2 = record.text("Actor1Name")[:300], record.text("Actor2Name")[:300]
        code = record.text("EventCode")
        out.event(
            new_event(
                external_key=key,
                occurred_on=sql_date(record),
                category=out.category({facet: record.text(facet) for facet in FACETS}),
                event_type=f"cameo_{code}"[:64],
                actor1=actor1,
                actor2=actor2,
                country=gazetteer.name,
                governorate=gazetteer.governorate(parts[-2]) if len(parts) > 1 else None,
                location=place[:200],
                latitude=record.parse_coordinate("ActionGeo_Lat", 90),
                longitude=record.parse_coordinate("ActionGeo_Long", 180),
                description=f"{actor1 or '(no actor)'}; CAMEO {code}; {actor2 or '(no actor)'}",
                url=record.text("SOURCEURL"),
            )
        )

    return read


FORMAT = Format(
    name="gdelt",
    description="GDELT 2.0 event file (tab-separated, no header, 61 columns; .zip as published)",
    source=SOURCE,
    header=tuple(COLUMNS),
    start=start,
    reads=READS,
    table=table,
)
