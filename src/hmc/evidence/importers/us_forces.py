"""Cumulative counts of attacks on US forces in Iraq and Syria since 17 October 2023.

File: ``us_forces_attacks_iraq_syria_cumulative_2023_2024.csv``, compiled by hand from
Pentagon briefings as reported in the press (each row cites its page). Each row is a
running total reported on ``as_of_date`` since ``count_window_start``: Observations of basis
``cumulative`` for ``attacks_on_us_forces`` (``attacks_total``; Jordan is included from late
January 2024), ``attacks_on_us_forces_iraq`` and ``attacks_on_us_forces_syria`` (only where
the row gives them). Rows whose reporter is not the Pentagon's counting, such as the GTTAC
report ("different counting than Pentagon"), go to series with their own suffix
(``attacks_on_us_forces_gttac``), so that a running total never mixes counting methods.
The reporter, notes, date basis and source address are kept in each Observation's note.
The casualty columns (``us_injured_cumulative``, ``us_killed_cumulative``) are not imported.
"""

from __future__ import annotations

from hmc.evidence.importers.base import Format, ObservationRow, RowReader, Rows, SourceInfo
from hmc.evidence.importers.csvfile import Record, Table

SOURCE = SourceInfo(
    key="us-forces-attacks",
    name="Attacks on US forces in Iraq and Syria, Pentagon counts as reported in the press",
    url="",  # each row cites its own page (kept in the note)
    licence="facts compiled from public pages, each row cites its source",
    reliability="C",
)
SERIES = {
    "attacks_total": "attacks_on_us_forces",
    "attacks_iraq": "attacks_on_us_forces_iraq",
    "attacks_syria": "attacks_on_us_forces_syria",
}
# Reporters whose counts follow another method than the Pentagon's: series suffix.
OTHER_COUNTS = {"gttac": "_gttac"}


def _suffix(reporter: str) -> str:
    words = reporter.lower().split()
    return next((suffix for name, suffix in OTHER_COUNTS.items() if name in words), "")


def start(table: Table, out: Rows) -> RowReader:
    """One cumulative Observation per count given in each row."""
    table.require("as_of_date", "count_window_start", *SERIES, "reporter", "notes", "source_url")
    has_basis = table.has("date_basis")

    def read(record: Record) -> None:
        start = record.parse_date("count_window_start")
        end = record.parse_date("as_of_date")
        if end < start:
            record.fail("as_of_date", f"{end} is before count_window_start {start}")
        reporter = record.text("reporter")
        parts = [f"reporter: {reporter}"]
        if has_basis and record.text("date_basis"):
            parts.append(f"date {record.text('date_basis')}")
        if record.text("notes"):
            parts.append(record.text("notes"))
        parts.append(record.text("source_url"))
        suffix = _suffix(reporter)
        if record.text("attacks_total") == "":
            record.fail("attacks_total", "is empty (every row needs the total)")
        for column, series in SERIES.items():
            value = record.parse_optional_int(column)
            if value is None:
                continue
            observation: ObservationRow = {
                "series": series + suffix,
                "governorate": None,
                "period_start": start,
                "period_end": end,
                "basis": "cumulative",
                "value": float(value),
                "note": "; ".join(parts),
            }
            out.observe(record, observation, field=column)

    return read


FORMAT = Format(
    name="us-forces-attacks",
    description="Cumulative attacks on US forces in Iraq and Syria since October 2023",
    source=SOURCE,
    header=("as_of_date", "count_window_start", "attacks_total", "reporter"),
    start=start,
)
