"""Importing the real evidence files: what lands in the database, once, or not at all."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from hmc.actor import Actor
from hmc.errors import EvidenceError
from hmc.evidence.categories import Categories
from hmc.evidence.importers import FORMATS, EventRow, ObservationRow, Rows, csvfile
from hmc.evidence.models import Event, ImportBatch, Observation, Source
from hmc.evidence.schemas import ImportReport
from hmc.evidence.service import bundled_files, import_file
from hmc.evidence.views import list_batches, list_formats
from hmc.gazetteers import load_gazetteer
from hmc.storage.engine import get_engine, migrate, session_scope

TESTER = Actor.system("tests")

BUNDLED = {format: path for path, format in bundled_files()}  # hmc/data, see its SOURCES.md
TEST_DATA = Path(__file__).parent / "data"  # what is not bundled; see its SOURCES.md
ESOC = BUNDLED["esoc-weekly"]
ESOC_NATIONAL = TEST_DATA / "esoc_iraq_sigact_country_weekly_2004_2009.csv"
SIGACTS_GZ = BUNDLED["sigacts"]
US_FORCES = BUNDLED["us-forces-attacks"]
MUSINGS = BUNDLED["musings-incidents"]
UCDP = TEST_DATA / "ucdp_weekly_battle_deaths_handwritten.csv"  # invented figures
SIGACT_HEADER = "datetime,epoch_seconds,event_type,target,city\n"


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = get_engine(f"sqlite:///{tmp_path}/t.db")
    migrate(engine)
    return engine


def run(engine: Engine, path: Path, format: str) -> ImportReport:
    with session_scope(engine) as session:
        return import_file(session, path=path, format=format, actor=TESTER)


def fetch(engine: Engine, query: Any) -> list[Any]:
    with session_scope(engine) as session:
        return list(session.execute(query).all())


def scalar(engine: Engine, query: Any) -> Any:
    with session_scope(engine) as session:
        return session.execute(query).scalar_one()


def values(engine: Engine, series: str, governorate: str | None = None) -> dict[date, float]:
    """Value of ``series`` by period end, in order."""
    query = select(Observation.period_end, Observation.value).where(Observation.series == series)
    if governorate is not None:
        query = query.where(Observation.governorate == governorate)
    return dict(fetch(engine, query.order_by(Observation.period_end)))


def table_sizes(engine: Engine) -> tuple[int, int, int]:
    """Rows in the event, observation and import_batch tables."""
    events, observations, batches = (
        scalar(engine, select(func.count()).select_from(model))
        for model in (Event, Observation, ImportBatch)
    )
    return events, observations, batches


def test_esoc_weekly_by_governorate(engine: Engine) -> None:
    report = run(engine, ESOC, "esoc-weekly")
    assert (report.rows, report.observations_added, report.events_added) == (5016, 30096, 0)
    assert (report.coverage_start, report.coverage_end) == (date(2004, 1, 29), date(2009, 2, 25))
    baghdad = values(engine, "esoc_sigact", "baghdad")
    assert len(baghdad) == 264
    ninewa = values(engine, "esoc_sigact", "ninewa")
    assert sum(v for end, v in ninewa.items() if end.year == 2007) == 6800
    # "Tameem" is Kirkuk; no raw ESOC spelling survives.
    assert len(values(engine, "esoc_sigact", "kirkuk")) == 264
    names = {name for (name,) in fetch(engine, select(Observation.governorate).distinct())}
    series = {name for (name,) in fetch(engine, select(Observation.series).distinct())}
    unlocated = select(func.count()).where(Observation.governorate.is_(None))
    assert names == {None, *load_gazetteer("iraq").names} - {"halabja"}  # 18 of 2004, unlocated
    assert series == {
        "esoc_sigact",
        "esoc_direct_fire",
        "esoc_indirect_fire",
        "esoc_suicide",
        "esoc_ied_attack",
        "esoc_ied_cleared",
    }
    assert scalar(engine, unlocated) == 264 * 6  # the empty-name rows are kept, not located
    assert date(2004, 12, 31) in baghdad  # week 52 (from 2004-12-23) ends on December 31


def test_esoc_national_file_gets_its_own_series(engine: Engine) -> None:
    run(engine, ESOC, "esoc-weekly")
    report = run(engine, ESOC_NATIONAL, "esoc-weekly")
    assert (report.rows, report.observations_added) == (264, 264 * 6)
    national = values(engine, "esoc_sigact_national")
    total = scalar(
        engine, select(func.sum(Observation.value)).where(Observation.series == "esoc_sigact")
    )
    assert sum(national.values()) == total == 194_978
    assert national[date(2004, 2, 4)] == 10  # first week: 2004-01-29 to 02-04


def sigact_text() -> str:
    """The bundled SIGACT file, decompressed: the data inventory's CSV, byte for byte."""
    return gzip.decompress(SIGACTS_GZ.read_bytes()).decode()


def test_sigacts_full_file(engine: Engine, tmp_path: Path) -> None:
    """The one full SIGACT import (about 4 s): 162,852 rows, of which 4,826 page headings."""
    plain = tmp_path / "sigacts_iraq_2004_2007_bauer.csv"
    plain.write_text(sigact_text())
    report = run(engine, plain, "sigacts")
    assert report.rows == 162_852
    assert report.rows_skipped == 4_826
    assert (report.events_added, report.duplicates) == (158_026, 0)
    assert (report.coverage_start, report.coverage_end) == (date(2004, 1, 1), date(2007, 7, 16))
    located = scalar(engine, select(func.count()).where(Event.governorate.is_not(None)))
    targets = dict(fetch(engine, select(Event.target, func.count()).group_by(Event.target)))
    first_columns = (Event.occurred_at, Event.event_type, Event.target, Event.governorate)
    first = fetch(engine, select(*first_columns).order_by(Event.occurred_at, Event.id).limit(1))
    repeats = scalar(engine, select(func.count()).where(Event.external_key.not_like("%:1")))
    assert located == 73_977  # 46.8 % carry a city the gazetteer knows
    assert targets == {
        "coalition": 84_781,
        "unknown": 37_540,
        "isf": 20_252,
        "civilian": 13_645,
        "other": 1_083,
        "infrastructure": 725,
    }
    assert repeats == 2_943  # identical rows stay distinct events (occurrence counter)
    assert tuple(first[0]) == (datetime(2004, 1, 1, 0, 20), "ied", "coalition", "baghdad")
    # The bundled .csv.gz holds the same bytes: the same batch, nothing written.
    again = run(engine, SIGACTS_GZ, "sigacts")
    assert again.already_imported and again.batch_id == report.batch_id
    assert table_sizes(engine) == (158_026, 0, 1)


def sigact_lines(tmp_path: Path, numbers: list[int], name: str = "sigacts.csv") -> Path:
    lines = sigact_text().splitlines(keepends=True)
    path = tmp_path / name
    path.write_text(SIGACT_HEADER + "".join(lines[n - 1] for n in numbers))
    return path


def test_sigacts_repairs_shifted_cells(tmp_path: Path) -> None:
    path = sigact_lines(tmp_path, [2, 3, 33, 60, 17404, 17476, 24853, 108965, 118362])
    parsed = parse_file("sigacts", path)
    assert parsed.skipped == 1  # line 24853 is a page heading
    got = [(e["target"], e["location"], e["governorate"]) for e in parsed.events]
    assert got == [
        ("coalition", "Baghdad", "baghdad"),
        ("isf", "", None),
        ("coalition", "Bagh", "baghdad"),  # city cut short in the target cell
        ("coalition", "Ba", None),  # too short to tell Baghdad from Baqubah or Balad
        ("coalition", "Mosul", "ninewa"),  # "e   Coalition Forces"
        ("isf", "Mosul", "ninewa"),  # city cell "Iraqi Security Forces   Mosul"
        ("unknown", "Ta'mim", "kirkuk"),
        ("coalition", "Baghdad", "baghdad"),  # "Coalition     Baghdad"
    ]
    assert parsed.events[4]["event_type"] == "indirect_fire"  # "Indirect Fir"
    assert (
        parsed.events[2]["description"] == 'as recorded: target "Coalition Forces   Bagh", city ""'
    )


def test_us_forces_cumulative_counts(engine: Engine) -> None:
    report = run(engine, US_FORCES, "us-forces-attacks")
    assert (report.rows, report.observations_added) == (9, 19)
    total = values(engine, "attacks_on_us_forces")
    assert list(total.values()) == [23, 55, 62, 73, 78, 140, 150, 180]
    assert values(engine, "attacks_on_us_forces_gttac") == {date(2023, 12, 31): 160}
    assert values(engine, "attacks_on_us_forces_iraq")[date(2024, 1, 18)] == 57
    assert len(values(engine, "attacks_on_us_forces_syria")) == 5
    columns = (Observation.basis, Observation.period_start, Observation.governorate)
    first = select(*columns, Observation.note).order_by(Observation.period_end).limit(1)
    basis, start, governorate, note = fetch(engine, first)[0]
    assert (basis, start, governorate) == ("cumulative", date(2023, 10, 17), None)
    assert "Brig. Gen. Ryder" in note and note.endswith("since-october-17")


def test_musings_ranges_and_pairs(engine: Engine) -> None:
    calls: list[tuple[int, int]] = []
    with session_scope(engine) as session:
        report = import_file(
            session,
            path=MUSINGS,
            format="musings-incidents",
            actor=TESTER,
            progress=lambda *c: calls.append(c),
        )
    size = MUSINGS.stat().st_size
    assert calls == [(0, size), (size, size)]
    assert (report.rows, report.observations_added) == (63, 80)
    incidents = values(engine, "security_incidents")
    isis = values(engine, "isis_incidents")
    assert (incidents[date(2022, 1, 7)], isis[date(2022, 1, 7)]) == (18, 9)  # "18/9"
    assert (incidents[date(2022, 3, 14)], isis[date(2022, 3, 14)]) == (18, 3)  # "18/3/1"
    assert values(engine, "incidents_per_day")[date(2006, 12, 31)] == 175  # "150-200"
    assert values(engine, "killed")[date(2018, 8, 31)] == 224
    week = (Observation.series == "isis_incidents", Observation.period_end == date(2022, 3, 14))
    assert 'published as "18/3/1"' in scalar(engine, select(Observation.note).where(*week))


def test_ucdp_weekly_battle_deaths(engine: Engine) -> None:
    """A hand-written file (the real one's licence is not stated): sums counted by hand."""
    report = run(engine, UCDP, "ucdp-weekly")
    assert (report.rows, report.observations_added) == (11, 11)
    deaths = values(engine, "battle_deaths")
    assert sum(deaths.values()) == 838
    assert sum(v for end, v in deaths.items() if end.isocalendar().year == 2017) == 477
    assert deaths[date(2017, 7, 2)] == 75  # 2017 week 26: Monday 26 June to Sunday 2 July
    assert (report.coverage_start, report.coverage_end) == (date(1989, 1, 2), date(2019, 12, 29))
    assert date(2016, 1, 3) in deaths  # 2015 week 53 runs 2015-12-28 to 2016-01-03


def test_second_import_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    first = run(engine, MUSINGS, "musings-incidents")
    sizes = table_sizes(engine)
    again = run(engine, MUSINGS, "musings-incidents")
    assert again.already_imported and not first.already_imported
    assert (again.batch_id, again.rows, again.observations_added) == (first.batch_id, 63, 0)
    assert table_sizes(engine) == sizes
    # Other bytes, same counts: a new batch whose rows are all duplicates (even nationwide ones).
    copy = tmp_path / "musings_copy.csv"
    copy.write_bytes(MUSINGS.read_bytes() + b"\n")
    third = run(engine, copy, "musings-incidents")
    assert (third.already_imported, third.observations_added, third.duplicates) == (False, 0, 80)
    assert table_sizes(engine) == (0, 80, 2)
    with session_scope(engine) as session:
        batches = list_batches(session)
    assert [(b.file_name, b.observations) for b in batches] == [
        (MUSINGS.name, 80),
        ("musings_copy.csv", 0),
    ]


def test_bad_row_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "sigacts_iraq.csv"
    path.write_text(
        SIGACT_HEADER
        + "2004-01-01 00:20,1072916400,IED,Coalition Forces,Baghdad\n"
        + "2004-13-01 00:20,1072916400,IED,Coalition Forces,Baghdad\n"
    )
    with pytest.raises(EvidenceError) as caught:
        run(engine, path, "sigacts")
    assert caught.value.message == (
        'sigacts_iraq.csv: row 3, field "datetime": "2004-13-01 00:20" is not a date and time '
        "(expected YYYY-MM-DD HH:MM)"
    )
    assert caught.value.details == {"file": "sigacts_iraq.csv", "row": 3, "field": "datetime"}
    assert table_sizes(engine) == (0, 0, 0)


def test_bad_value_in_a_counts_file_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    lines = ESOC.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("2004-02-05", "2004-02-06")
    lines[40] = lines[40].replace(",0,", ",x,", 1)
    path = tmp_path / "esoc.csv"
    path.write_text("".join(lines))
    with pytest.raises(EvidenceError) as caught:
        run(engine, path, "esoc-weekly")
    assert caught.value.details == {"file": "esoc.csv", "row": 3, "field": "week_start"}
    assert "not the start of a Stata week" in caught.value.message
    assert table_sizes(engine) == (0, 0, 0)
    assert scalar(engine, select(func.count()).select_from(Source)) == 0


def test_unknown_governorate_gives_a_hint(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "esoc.csv"
    path.write_text(ESOC.read_text().replace("\nNinewa,", "\nNinewah Province,", 1))
    with pytest.raises(EvidenceError, match=r'field "governorate": "Ninewah Province" is not'):
        run(engine, path, "esoc-weekly")
    path.write_text(ESOC.read_text().replace("\nMissan,", "\nMisssan,", 1))
    with pytest.raises(EvidenceError, match=r'\(did you mean "Maysan"\?\)'):
        run(engine, path, "esoc-weekly")


def test_missing_column(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "musings.csv"
    path.write_text("period_start,period_end,metric,notes,source_url\n2024-01-01,2024-01-07,x,,\n")
    with pytest.raises(EvidenceError) as caught:
        run(engine, path, "musings-incidents")
    assert caught.value.message.startswith('musings.csv: missing column "value"')
    assert caught.value.details["field"] == "value"
    assert table_sizes(engine) == (0, 0, 0)


def test_unknown_format_and_missing_file(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match=r'unknown format "acled-csv".*esoc-weekly.*sigacts'):
        run(engine, MUSINGS, "acled-csv")
    with pytest.raises(EvidenceError, match=r"nope\.csv: no such file"):
        run(engine, tmp_path / "nope.csv", "sigacts")


def test_gzip_is_read_transparently(engine: Engine, tmp_path: Path) -> None:
    plain = sigact_lines(tmp_path, [2, 3, 4, 24853])
    packed = tmp_path / "sigacts.csv.gz"
    with plain.open("rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    report = run(engine, packed, "sigacts")
    assert (report.file_name, report.events_added, report.rows_skipped) == ("sigacts.csv.gz", 3, 1)
    assert run(engine, plain, "sigacts").already_imported  # same content, same batch
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(
        gzip.compress((SIGACT_HEADER + "2004-01-01 00:20,1,IED,Civilian,\n,,,,\n").encode())
    )
    with pytest.raises(EvidenceError) as caught:
        run(engine, bad, "sigacts")
    assert caught.value.details == {"file": "bad.csv.gz", "row": 3, "field": "datetime"}


def test_formats_and_bundled_files() -> None:
    names = [info.name for info in list_formats()]
    assert names == [
        "esoc-weekly",
        "sigacts",
        "us-forces-attacks",
        "musings-incidents",
        "ucdp-weekly",
        "ucdp-candidate",
        "ucdp-ged",
        "acled",
        "geocausal-attacks",
        "geocausal-airstrikes",
        "gdelt",
    ]
    bundled = bundled_files()
    assert [format for _, format in bundled] == names[:4]
    assert all(path.is_file() for path, _ in bundled)
    assert (bundled[0][0].parent / "SOURCES.md").is_file()
    assert not any("ucdp" in path.name for path, _ in bundled)  # licence not stated
    assert {path.name for path, _ in bundled} <= {p.name for p in bundled[0][0].parent.iterdir()}


# --- bad cells and bad files: one error naming the file, the row and the field ---------------
ESOC_HEADER = "governorate,stata_week,week_start,SIGACT,SIG_1,df,idf,suicide,ied_attack,ied_clear\n"
ESOC_ROW = "Anbar,2292,{},3,3,1,0,0,2,0\n"
US_FORCES_HEADER = (
    "as_of_date,date_basis,count_window_start,attacks_total,attacks_iraq,attacks_syria,"
    "us_injured_cumulative,us_killed_cumulative,reporter,notes,source_url\n"
)
MUSINGS_HEADER = "period_start,period_end,granularity,metric,value,scope,notes,source_url\n"
OUTSIDE = "is outside the dates hmc works with (1900-01-01 to 2199-12-31)"
HUGE = "9" * 400
MOST = "999,999,999,999,999"  # the largest number a file may hold
MUSINGS_ROW = "2022-01-01,2022-01-07,week,{},{},,,https://example.org"


@dataclass
class Parsed:
    """What a file gives, read as an import reads it (checked, then record by record)."""

    events: list[EventRow] = field(default_factory=list)
    observations: list[ObservationRow] = field(default_factory=list)
    skipped: int = 0

    def add(self, events: list[EventRow], observations: list[ObservationRow]) -> None:
        self.events += events
        self.observations += observations


def parse_file(format: str, path: Path) -> Parsed:
    fmt = FORMATS[format]
    csvfile.digest(path, text=fmt.text)
    parsed = Parsed()
    rows = Rows(fmt.source.key, Categories(), parsed.add)
    with csvfile.open_binary(path) as stream:
        table = fmt.table(path.name, stream)
        read = fmt.start(table, rows)
        for record in table.records(fmt.reads):
            read(record)
            rows.keep(record.row)
    rows.finish()
    parsed.skipped = rows.skipped
    return parsed


def parse(format: str, text: str | bytes, name: str = "f.csv") -> Parsed:
    data = text.encode() if isinstance(text, str) else text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return parse_file(format, path)


@pytest.mark.parametrize(
    ("format", "text", "field", "problem"),
    [
        ("sigacts", "9999-12-31 00:20,1,IED,Civilian,", "datetime", f"9999-12-31 {OUTSIDE}"),
        ("sigacts", "2300-01-01 00:20,1,IED,Civilian,", "datetime", f"2300-01-01 {OUTSIDE}"),
        ("sigacts", "1899-12-31 23:59,1,IED,Civilian,", "datetime", f"1899-12-31 {OUTSIDE}"),
        ("esoc-weekly", ESOC_ROW.format("9999-12-31"), "week_start", f"9999-12-31 {OUTSIDE}"),
        (
            "esoc-weekly",  # 2004 is a leap year: January 1 + 52 weeks is December 30
            ESOC_ROW.format("2004-12-30"),
            "week_start",
            "2004-12-30 is not the start of a Stata week (there are 52 a year: "
            "week 52 starts on 2004-12-23 and runs to December 31)",
        ),
        (
            "esoc-weekly",
            ESOC_ROW.format("2005-12-31"),
            "week_start",
            "2005-12-31 is not the start of a Stata week (there are 52 a year: "
            "week 52 starts on 2005-12-24 and runs to December 31)",
        ),
        (
            "esoc-weekly",
            ESOC_ROW.format("2004-01-29").replace(",3,3,", f",{HUGE},3,", 1),
            "SIGACT",
            f'"{"9" * 40}…" is too large (at most {MOST})',
        ),
        ("ucdp-weekly", "0,1,5", "year", "0 is outside the years hmc works with (1900 to 2199)"),
        ("ucdp-weekly", "10000,x,5", "year", "10000 is outside the years hmc works with"),
        ("ucdp-weekly", "1899,52,5", "year", "1899 is outside the years hmc works with"),
        ("ucdp-weekly", "2015,54,5", "week", "2015 has no ISO week 54"),
        ("ucdp-weekly", f"2015,1,{HUGE}", "battle_deaths", f"is too large (at most {MOST})"),
        ("ucdp-weekly", "2015,1,1000000000000000", "battle_deaths", f"at most {MOST}"),
        ("ucdp-weekly", f"{HUGE},1,5", "year", f"is too large (at most {MOST})"),
        (
            "us-forces-attacks",
            "2300-01-01,,2023-10-17,23,,,,,Pentagon,,https://example.org",
            "as_of_date",
            f"2300-01-01 {OUTSIDE}",
        ),
        (
            "us-forces-attacks",
            f"2023-12-01,,2023-10-17,{HUGE},,,,,Pentagon,,https://example.org",
            "attacks_total",
            f"is too large (at most {MOST})",
        ),
        (
            "musings-incidents",
            f"2022-01-01,2022-01-07,week,incidents,1{'0' * 400},,,https://example.org",
            "value",
            f'"1{"0" * 39}…" is too large (at most {MOST})',
        ),
        (
            "musings-incidents",
            f"2022-01-01,2022-01-07,week,incidents,1-{HUGE},,,https://example.org",
            "value",
            f"holds a number too large (at most {MOST})",
        ),
        (
            "musings-incidents",
            f"2022-01-01,2022-01-07,week,incidents_total/IS,18/{HUGE},,,https://example.org",
            "value",
            f"holds a number too large (at most {MOST})",
        ),
        (
            "musings-incidents",
            "2022-01-01,2300-01-07,week,incidents,18,,,https://example.org",
            "period_end",
            f"2300-01-07 {OUTSIDE}",
        ),
        # A count is bounded, not merely finite: 1e20 (or 1e308) is no tally of incidents.
        ("musings-incidents", MUSINGS_ROW.format("incidents", "1" + "0" * 20), "value", MOST),
        ("musings-incidents", MUSINGS_ROW.format("killed", "9" * 308), "value", MOST),
        (
            "musings-incidents",
            MUSINGS_ROW.format("killed", "999999999999999.5"),
            "value",
            f'"999999999999999.5" is too large (at most {MOST})',
        ),
        (
            "musings-incidents",
            MUSINGS_ROW.format("killed", "5-1000000000000000"),
            "value",
            f'"5-1000000000000000" holds a number too large (at most {MOST})',
        ),
        # Digits other than 0-9 are refused alike by every format (int() and float() read them).
        (
            "musings-incidents",
            MUSINGS_ROW.format("killed", "٣"),
            "value",
            '"٣" holds the digit "٣" (U+0663): write numbers with the digits 0-9',
        ),
        ("musings-incidents", MUSINGS_ROW.format("killed", "١٥٠-٢٠٠"), "value", "U+0661"),
        ("musings-incidents", MUSINGS_ROW.format("incidents_total/IS", "18/９"), "value", "U+FF19"),
        (
            "musings-incidents",
            MUSINGS_ROW.replace("2022-01-01", "2022-0١-01").format("killed", "3"),
            "period_start",
            '"2022-0١-01" holds the digit "١" (U+0661): write dates with the digits 0-9',
        ),
        (
            "esoc-weekly",
            ESOC_ROW.format("2004-01-29").replace(",3,3,", ",٣,3,", 1),
            "SIGACT",
            '"٣" holds the digit "٣" (U+0663): write numbers with the digits 0-9',
        ),
        ("esoc-weekly", ESOC_ROW.format("２００４-01-29"), "week_start", "write dates with"),
        ("ucdp-weekly", "2015,1,３", "battle_deaths", '"３" holds the digit "３" (U+FF13)'),
        ("ucdp-weekly", "٢٠١٥,1,3", "year", "write numbers with the digits 0-9"),
        (
            "us-forces-attacks",
            "2023-12-01,,2023-10-17,٣٤,,,,,Pentagon,,https://example.org",
            "attacks_total",
            "U+0663): write numbers with the digits 0-9",
        ),
        ("sigacts", "２００４-01-01 00:20,1,IED,Civilian,", "datetime", "write dates with"),
    ],
)
def test_a_bad_cell_is_one_error_naming_file_row_and_field(
    format: str, text: str, field: str, problem: str
) -> None:
    header = {
        "sigacts": SIGACT_HEADER,
        "esoc-weekly": ESOC_HEADER,
        "ucdp-weekly": "year,week,battle_deaths\n",
        "us-forces-attacks": US_FORCES_HEADER,
        "musings-incidents": MUSINGS_HEADER,
    }[format]
    with pytest.raises(EvidenceError) as caught:
        parse(format, header + text.rstrip("\n") + "\n")
    assert caught.value.details == {"file": "f.csv", "row": 2, "field": field}
    assert caught.value.message.startswith(f'f.csv: row 2, field "{field}": ')
    assert problem in caught.value.message


def test_the_first_and_last_dates_are_imported() -> None:
    rows = "1900-01-01 00:00,1,IED,Civilian,\n2199-12-31 23:59,1,IED,Civilian,\n"
    parsed = parse("sigacts", SIGACT_HEADER + rows)
    assert [e["occurred_on"] for e in parsed.events] == [date(1900, 1, 1), date(2199, 12, 31)]
    counts = parse("ucdp-weekly", "year,week,battle_deaths\n1900,1,1\n2199,52,2\n")
    ends = [(o["period_start"], o["period_end"]) for o in counts.observations]
    assert ends == [(date(1900, 1, 1), date(1900, 1, 7)), (date(2199, 12, 23), date(2199, 12, 29))]
    last = parse("esoc-weekly", ESOC_HEADER + ESOC_ROW.format("2199-12-24"))
    assert last.observations[0]["period_end"] == date(2199, 12, 31)  # week 52, 8 days


def test_the_largest_numbers_are_imported() -> None:
    most = 999_999_999_999_999
    counts = parse("ucdp-weekly", f"year,week,battle_deaths\n2015,1,{most}\n2015,2,0{most}\n")
    assert [o["value"] for o in counts.observations] == [most, most]
    rows = [MUSINGS_ROW.format("killed", f"{most}"), MUSINGS_ROW.format("wounded", f"0-{most}")]
    tallies = parse("musings-incidents", MUSINGS_HEADER + "\n".join(rows) + "\n")
    assert [o["value"] for o in tallies.observations] == [most, most / 2]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_said_to_be_utf16(encoding: str) -> None:
    text = SIGACT_HEADER + "2004-01-01 00:20,1,IED,Civilian,\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # Python writes the byte order mark only for "utf-16"
        data = "\ufeff".encode(encoding) + data
    with pytest.raises(EvidenceError) as caught:
        parse("sigacts", data, name="excel.csv")
    assert caught.value.message.startswith("excel.csv: UTF-16 text, not UTF-8 (save it as CSV")
    assert caught.value.details == {"file": "excel.csv"}


def test_a_utf8_byte_order_mark_is_fine() -> None:
    text = SIGACT_HEADER + "2004-01-01 00:20,1,IED,Civilian,Baghdad\n"
    parsed = parse("sigacts", b"\xef\xbb\xbf" + text.encode(), name="excel.csv")
    assert [e["governorate"] for e in parsed.events] == ["baghdad"]


def test_a_column_named_twice_is_refused() -> None:
    header = "datetime,event_type,target,city,target\n"
    with pytest.raises(EvidenceError) as caught:
        parse("sigacts", header + "2004-01-01 00:20,IED,Civilian,Baghdad,Coalition\n")
    assert caught.value.message == (
        'f.csv: row 1: the column "target" appears twice in the header (columns 3 and 5)'
    )
    assert caught.value.details == {"file": "f.csv", "row": 1, "field": "target"}
    # unnamed columns (trailing commas) are never read: they may repeat
    rows = "2004-01-01 00:20,1,IED,Civilian,Baghdad,,\n"
    assert len(parse("sigacts", SIGACT_HEADER.rstrip() + ",,\n" + rows).events) == 1


UCDP_CUT = TEST_DATA / "ucdp_ged_syria_2016q1_cut.csv"  # 64 real rows, see its SOURCES.md


def test_ucdp_ged_is_detected_and_imported_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        report = import_file(session, path=UCDP_CUT, actor=TESTER)
    assert (report.format, report.rows, report.events_added) == ("ucdp-ged", 64, 64)
    first = fetch(engine, select(Event.governorate, Event.country).order_by(Event.id).limit(1))
    assert tuple(first[0]) == ("homs", "Syria")  # "Homs Governorate" through the gazetteer
    with session_scope(engine) as session:
        again = import_file(session, path=UCDP_CUT, actor=TESTER)
    assert again.already_imported and table_sizes(engine) == (64, 0, 1)


def test_a_file_in_no_format_names_each_format_tried(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "timeline.csv"
    path.write_text("Date,Event,Importance\n2003-03-20,Invasion,1\n")
    with pytest.raises(EvidenceError) as caught, session_scope(engine) as session:
        import_file(session, path=path, actor=TESTER)
    message = caught.value.message
    assert message.startswith("timeline.csv: not in a format hmc knows")
    assert 'ucdp-ged (no column "id"' in message
    assert "gdelt (a row of 1 tab-separated fields, not 61)" in message
    assert table_sizes(engine) == (0, 0, 0)
