"""Weekly battle deaths in Iraq from UCDP GED 20.1, 1989-2019.

File: ``ucdp_ged201_iraq_weekly_battle_deaths_1989_2019.csv`` (``year``, ``week``,
``battle_deaths``, ``v2x_polyarchy``, ``gdp_pc``, ``pop_tot``), built in an MSc thesis
(jejakobsen/msc) from UCDP GED 20.1 events, aggregated by ISO year and week; the licence
of that file is not stated, so it is not bundled. Each row is one nationwide Observation of
``battle_deaths`` (basis ``period``) from the Monday of the ISO week to its Sunday. The
V-Dem (``v2x_polyarchy``) and World Bank (``gdp_pc``, ``pop_tot``) columns are ignored: they
are yearly context, not evidence about violence.
"""

from __future__ import annotations

from datetime import date, timedelta

from hmc.domain.days import EARLIEST, LATEST
from hmc.evidence.importers.base import Format, ObservationRow, RowReader, Rows, SourceInfo
from hmc.evidence.importers.csvfile import Record, Table

SOURCE = SourceInfo(
    key="ucdp-ged",
    name="UCDP Georeferenced Event Dataset 20.1, weekly battle deaths in Iraq",
    url="https://ucdp.uu.se/downloads/",
    licence="UCDP: free reuse with citation (CC BY 4.0); weekly aggregate: not stated",
    reliability="B",
)


def start(table: Table, out: Rows) -> RowReader:
    """One ``battle_deaths`` Observation per ISO week."""
    table.require("year", "week", "battle_deaths")

    def read(record: Record) -> None:
        year = record.parse_int("year")
        if not EARLIEST.year <= year <= LATEST.year:  # its ISO weeks lie within those dates
            record.fail(
                "year",
                f"{year} is outside the years hmc works with ({EARLIEST.year} to {LATEST.year})",
            )
        week = record.parse_int("week")
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            record.fail("week", f"{year} has no ISO week {week}")
        observation: ObservationRow = {
            "series": "battle_deaths",
            "governorate": None,
            "period_start": start,
            "period_end": start + timedelta(days=6),
            "basis": "period",
            "value": float(record.parse_int("battle_deaths")),
            "note": "",
        }
        out.observe(record, observation, field="week")

    return read


FORMAT = Format(
    name="ucdp-weekly",
    description="UCDP GED 20.1 weekly battle deaths in Iraq, 1989-2019 (not bundled)",
    source=SOURCE,
    header=("year", "week", "battle_deaths"),
    start=start,
)
