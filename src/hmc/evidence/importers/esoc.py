"""ESOC weekly SIGACT counts for Iraq, per governorate or nationwide (2004-2009).

Files: ``esoc_iraq_sigact_governorate_weekly_2004_2009.csv`` (a ``governorate`` column) and
``esoc_iraq_sigact_country_weekly_2004_2009.csv`` (a ``country`` column), from
cochransean/iraq-war-vis (MIT), upstream Empirical Studies of Conflict, Princeton.

Each row gives one Observation (basis ``period``) per count column: ``SIGACT`` →
``esoc_sigact``, ``df`` → ``esoc_direct_fire``, ``idf`` → ``esoc_indirect_fire``,
``suicide`` → ``esoc_suicide``, ``ied_attack`` → ``esoc_ied_attack`` and ``ied_clear`` →
``esoc_ied_cleared``. ``SIG_1`` is skipped (an ESOC variant whose definition is not
documented) and so is ``ied_total`` (derived: ``ied_attack`` + ``ied_clear``).

Weeks are Stata ``%tw`` weeks: 52 a year from January 1, so a week ends the day before the
next one starts, and week 52 runs to December 31 (8 or 9 days). Governorate names go
through the gazetteer ("Tameem" is Kirkuk); an empty name is kept with governorate None
(events ESOC could not locate). Rows of the country file get the series names with the
suffix ``_national``, so that one series never mixes governorate and national counts.
"""

from __future__ import annotations

from datetime import date, timedelta

from hmc.evidence.importers.base import Format, ObservationRow, RowReader, Rows, SourceInfo
from hmc.evidence.importers.csvfile import Record, Table
from hmc.gazetteers import load_gazetteer

SOURCE = SourceInfo(
    key="esoc",
    name="Empirical Studies of Conflict (ESOC), Princeton: Iraq SIGACT aggregates",
    url="https://github.com/cochransean/iraq-war-vis",
    licence="MIT (repository); ESOC data free for research with citation",
    reliability="B",
)
SERIES = {
    "SIGACT": "esoc_sigact",
    "df": "esoc_direct_fire",
    "idf": "esoc_indirect_fire",
    "suicide": "esoc_suicide",
    "ied_attack": "esoc_ied_attack",
    "ied_clear": "esoc_ied_cleared",
}
WEEKS_A_YEAR = 52


def stata_week_end(record: Record, field: str) -> tuple[date, date]:
    """The first and last day of the Stata week starting on the date in ``field``."""
    start = record.parse_date(field)
    days = (start - date(start.year, 1, 1)).days
    if days % 7:
        record.fail(field, f"{start} is not the start of a Stata week (January 1 + 7·n days)")
    week = days // 7 + 1
    if week > WEEKS_A_YEAR:  # December 30 or 31 (a "week 53"): within week 52
        last = start - timedelta(days=7)
        record.fail(
            field,
            f"{start} is not the start of a Stata week (there are {WEEKS_A_YEAR} a year: "
            f"week {WEEKS_A_YEAR} starts on {last} and runs to December 31)",
        )
    if week == WEEKS_A_YEAR:
        return start, date(start.year, 12, 31)
    return start, start + timedelta(days=6)


def start(table: Table, out: Rows) -> RowReader:
    """Observations of every count column, per governorate (or nationwide) and week."""
    national = table.has("country") and not table.has("governorate")
    place = "country" if national else "governorate"
    suffix = "_national" if national else ""
    table.require(place, "week_start", *SERIES)
    gazetteer = load_gazetteer("iraq")

    def read(record: Record) -> None:
        start, end = stata_week_end(record, "week_start")
        governorate: str | None = None
        name = record.text(place)
        if not national and name:
            where = record.where(place)
            governorate = gazetteer.require(name, where=where, **record.details(place))
        for column, series in SERIES.items():
            observation: ObservationRow = {
                "series": series + suffix,
                "governorate": governorate,
                "period_start": start,
                "period_end": end,
                "basis": "period",
                "value": float(record.parse_int(column)),
                "note": "",
            }
            out.observe(record, observation, field=place)

    return read


FORMAT = Format(
    name="esoc-weekly",
    description="ESOC weekly SIGACT counts for Iraq, per governorate (or nationwide), 2004-2009",
    source=SOURCE,
    header=("week_start", "SIGACT", "df", "idf", "suicide", "ied_attack", "ied_clear"),
    start=start,
)
