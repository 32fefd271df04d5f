"""Each evidence format, imported with 'hmc import' as a user runs it, once.

Every import here is a real 'hmc' process on a database of its own (the shipped commissions
loaded, so categories come from the configuration); what is checked is what a user sees: the
command's output and exit code, and the events 'hmc events --export json' writes. The
fixtures are in tests/data (origin and licence in its SOURCES.md); the GDELT file and the
spreadsheet are written by the tests.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import zipfile
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from importing import TEST_DATA, copy_database, counts, exported, hmc, ok

ACLED = TEST_DATA / "acled_iraq_codebook_handwritten.csv"
CANDIDATE = TEST_DATA / "ucdp_candidate_iraq_handwritten.csv"
AIRSTRIKES = TEST_DATA / "geocausal_iraq_airstrikes_2006_cut.csv"
ATTACKS = TEST_DATA / "geocausal_iraq_insurgent_attacks_2006_cut.csv"
MAPPING = TEST_DATA / "incidents.toml"  # the worked example of docs/evidence.md
INCIDENTS = TEST_DATA / "incidents_handwritten.csv"
PASSWORD = "exercise-only-password"  # hmc demo's members
FORMATS = (
    "esoc-weekly", "sigacts", "us-forces-attacks", "musings-incidents", "ucdp-weekly",
    "ucdp-candidate", "ucdp-ged", "acled", "geocausal-attacks", "geocausal-airstrikes", "gdelt",
)  # fmt: skip
# GDELT 2.0 event codebook: the 61 columns of an event file, in order.
_CODEBOOK = """
GLOBALEVENTID SQLDATE MonthYear Year FractionDate
Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode
Actor1Religion1Code Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code
Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode
Actor2Religion1Code Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code
IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale
NumMentions NumSources NumArticles AvgTone
Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code
Actor1Geo_ADM2Code Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID
Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code
Actor2Geo_ADM2Code Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID
ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code
ActionGeo_ADM2Code ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID
DATEADDED SOURCEURL
"""
GDELT_COLUMNS = _CODEBOOK.split()


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by 'hmc init' (the shipped commissions and their categories)."""
    database = tmp_path_factory.mktemp("configured") / "hmc.db"
    ok(database, "init")
    return database


@pytest.fixture
def database(configured: Path, tmp_path: Path) -> Path:
    """A copy of that database of its own for one test."""
    return copy_database(configured, tmp_path / "hmc.db")


def import_twice(database: Path, file: Path, *args: str) -> str:
    """Import ``file`` (output returned), then again: the second run adds nothing."""
    first = ok(database, "import", file, *args)
    after = counts(database)
    again = ok(database, "import", file, *args)
    assert f"{file.name}: already imported" in again and "nothing added" in again, again
    assert counts(database) == after
    return first


def by_key(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {event["external_key"]: event for event in events}


def deaths(event: dict[str, Any]) -> tuple[float | None, float | None, float | None]:
    return event["deaths_low"], event["deaths"], event["deaths_high"]


def test_acled_export_from_the_codebook(database: Path) -> None:
    report = import_twice(database, ACLED)  # detected: no --format
    assert "imported acled_iraq_codebook_handwritten.csv as acled: 4 rows, 4 events" in report
    events = by_key(exported(database, "--source", "acled"))
    assert len(events) == 4
    first, rockets, strike, protest = (events[f"IRQ9000{n}"] for n in (1, 2, 3, 4))
    assert (first["occurred_on"], first["date_precision"]) == ("2024-01-15", "day")
    assert rockets["occurred_on"] == "2024-01-20"  # "20 January 2024", the export tool's way
    assert strike["date_precision"] == "week"  # time_precision 2
    assert (first["governorate"], rockets["governorate"], protest["governorate"]) == (
        "ninewa",  # Nineveh
        "anbar",  # Al Anbar
        "basra",  # Basrah
    )
    assert [e["category"] for e in (first, rockets, strike, protest)] == [
        "isis_attack",
        "attack_on_coalition",
        "coalition_strike",
        "other",
    ]
    assert deaths(first) == (3, 3, 3) and deaths(rockets) == (0, 0, 0)
    assert (first["latitude"], first["longitude"]) == (36.335, 43.1189)
    assert first["actor1"] == "Islamic State (Iraq)" and first["grade"] == "B3"
    assert first["description"].endswith("(source: Invented Daily)")


def test_ucdp_candidate_events(database: Path) -> None:
    report = import_twice(database, CANDIDATE)
    assert "as ucdp-candidate: 3 rows, 3 events" in report
    events = by_key(exported(database, "--source", "ucdp-candidate"))
    mosul, clashes, strike = events["9000001"], events["9000002"], events["9000003"]
    assert (clashes["occurred_on"], clashes["date_precision"]) == ("2024-02-20", "week")
    assert (mosul["governorate"], clashes["governorate"], strike["governorate"]) == (
        "ninewa",  # Ninawa governorate
        "diyala",
        "anbar",
    )
    assert (mosul["category"], clashes["category"], strike["category"]) == (
        "isis_attack",
        "militia_attack",
        "coalition_strike",
    )
    assert deaths(mosul) == (2, 3, 5) and deaths(strike) == (4, 6, 9)
    assert mosul["grade"] == "B3" and mosul["location"] == "Mosul city"


def write_gdelt(folder: Path) -> Path:
    """A GDELT 2.0 event file as GDELT publishes it: zipped, tab-separated, no header."""

    def row(key: str, day: str, place: str, country: str, **cells: str) -> str:
        values = dict.fromkeys(GDELT_COLUMNS, "")
        values |= {"GLOBALEVENTID": key, "SQLDATE": day, "MonthYear": day[:6], "Year": day[:4],
                   "ActionGeo_Type": "4", "ActionGeo_FullName": place,
                   "ActionGeo_CountryCode": country, "DATEADDED": f"{day}120000",
                   "SOURCEURL": f"https://news.example/{key}", **cells}  # fmt: skip
        return "\t".join(values[column] for column in GDELT_COLUMNS)

    strike = {"Actor1Code": "USAMIL", "Actor1Name": "UNITED STATES", "Actor2Code": "IRQREB",
              "Actor2Name": "MILITANT", "EventCode": "190", "EventBaseCode": "190",
              "EventRootCode": "19", "QuadClass": "4", "ActionGeo_Lat": "36.335",
              "ActionGeo_Long": "43.1189"}  # fmt: skip
    bombing = {"Actor1Code": "IRQREB", "Actor1Name": "INSURGENT", "Actor2Code": "IRQCVL",
               "Actor2Name": "CIVILIAN", "EventCode": "183", "EventBaseCode": "183",
               "EventRootCode": "18", "QuadClass": "4"}  # fmt: skip
    talks = {"Actor1Code": "IRQGOV", "Actor1Name": "IRAQ", "EventCode": "042",
             "EventBaseCode": "042", "EventRootCode": "04", "QuadClass": "1"}  # fmt: skip
    lines = [
        row("1100000001", "20240115", "Mosul, Ninawa, Iraq", "IZ", **strike),
        row("1100000002", "20240116", "Ramadi, Al Anbar, Iraq", "IZ", **bombing),
        row("1100000003", "20240116", "Baghdad, Baghdad, Iraq", "IZ", **talks),
        row("1100000004", "20240116", "Chicago, Illinois, United States", "US", **talks),
    ]
    assert len(GDELT_COLUMNS) == 61
    path = folder / "20240116120000.export.CSV.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("20240116120000.export.CSV", "\n".join(lines) + "\n")
    return path


def test_gdelt_zipped_event_file(database: Path, tmp_path: Path) -> None:
    file = write_gdelt(tmp_path)
    report = import_twice(database, file)  # detected: 61 tab-separated columns
    assert "as gdelt: 4 rows, 3 events" in report  # the row in the United States is skipped
    events = by_key(exported(database, "--source", "gdelt"))
    assert sorted(events) == ["1100000001", "1100000002", "1100000003"]
    strike, bombing, talks = events["1100000001"], events["1100000002"], events["1100000003"]
    assert strike["occurred_on"] == "2024-01-15" and strike["country"] == "Iraq"
    assert (strike["governorate"], bombing["governorate"], talks["governorate"]) == (
        "ninewa",
        "anbar",
        "baghdad",
    )
    assert (strike["category"], bombing["category"], talks["category"]) == (
        "coalition_strike",  # USAMIL, CAMEO 19
        "isis_attack",  # IRQREB, CAMEO 18
        "other",
    )
    assert strike["event_type"] == "cameo_190" and deaths(strike) == (None, None, None)
    assert strike["url"] == "https://news.example/1100000001" and strike["grade"] == "D3"


def test_geocausal_attacks_and_airstrikes(database: Path) -> None:
    strikes = import_twice(database, AIRSTRIKES)
    assert "as geocausal-airstrikes: 22 rows, 22 events" in strikes
    attacks = import_twice(database, ATTACKS)
    assert "as geocausal-attacks: 19 rows, 19 events" in attacks
    air = exported(database, "--source", "geocausal-airstrikes")
    assert len(air) == 22
    kinds = {(e["event_type"], e["category"]) for e in air}
    assert kinds == {("airstrike", "coalition_strike"), ("sof", "other")}
    first = min(air, key=lambda e: (e["occurred_on"], e["id"]))
    assert (first["occurred_on"], first["latitude"], first["longitude"]) == (
        "2006-01-01",
        33.0286,
        40.2939,
    )
    ground = exported(database, "--source", "geocausal-attacks")
    assert {e["event_type"] for e in ground} == {"ied", "saf", "other"}
    assert {e["governorate"] for e in ground + air} == {None}  # the files name no place
    assert {e["country"] for e in ground + air} == {"Iraq"}


def write_sheet(csv_file: Path, path: Path) -> Path:
    """The rows of ``csv_file`` as the sheet "Log" of a workbook (after an empty sheet).

    Numbers are number cells; the dates of all rows but the last are date cells shown
    as Excel shows them (23/01/2024), the last is text, as a user may type it.
    """
    book = Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Log")
    with csv_file.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    for n, row in enumerate(rows):
        cells: list[object] = [int(cell) if cell.isdigit() else cell for cell in row]
        if 0 < n < len(rows) - 1:
            cells[1] = datetime.strptime(row[1], "%d/%m/%Y")
        sheet.append(cells)
        if 0 < n < len(rows) - 1:
            sheet.cell(row=n + 1, column=2).number_format = "DD/MM/YYYY"
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_worked_example_of_a_mapping(database: Path, tmp_path: Path, kind: str) -> None:
    file = INCIDENTS if kind == "csv" else write_sheet(INCIDENTS, tmp_path / "incidents.xlsx")
    report = import_twice(database, file, "--mapping", str(MAPPING))
    assert f"imported {file.name} as mapping: 3 rows, 3 events" in report
    events = by_key(exported(database, "--source", "moi-incident-log"))
    ied, rockets, kidnap = events["MOI-2024-001"], events["MOI-2024-002"], events["MOI-2024-003"]
    assert (ied["occurred_on"], rockets["occurred_on"]) == ("2024-01-23", "2024-01-25")
    assert (ied["governorate"], kidnap["governorate"]) == ("ninewa", "salah-al-din")
    assert (ied["category"], rockets["category"], kidnap["category"]) == (
        "isis_attack",
        "attack_on_coalition",
        "other",
    )
    assert ied["deaths"] == 2 and kidnap["deaths"] is None
    assert ied["location"] == "Mosul" and ied["grade"] == "C3"
    assert "Ministry of Interior incident log" in ok(database, "sources")


def test_a_file_in_no_format_names_each_format_tried(database: Path, tmp_path: Path) -> None:
    file = tmp_path / "casualties.csv"
    file.write_text("when,where,how many\n2024-01-15,Mosul,3\n", encoding="utf-8")
    before = counts(database)
    done = hmc(database, "import", str(file))
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert "casualties.csv: not in a format hmc knows" in message
    for name in FORMATS:
        assert f"{name} (" in message, name
    assert 'acled (no column "event_id_cnty"' in message
    assert "gdelt (a row of 1 tab-separated fields, not 61)" in message
    assert counts(database) == before


def test_a_spreadsheet_without_a_mapping_is_told_to_give_one(
    database: Path, tmp_path: Path
) -> None:
    sheet = write_sheet(INCIDENTS, tmp_path / "incidents.xlsx")
    done = hmc(database, "import", str(sheet))
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert "incidents.xlsx: not in a format hmc knows (give --format, or --mapping" in message


def with_bad_rows(folder: Path, *, cut: bool = True) -> Path:
    """The ACLED fixture with bad rows: a time precision of 7, a date that is none, and
    (``cut``) a row cut short (6 cells)."""
    lines = ACLED.read_text(encoding="utf-8").splitlines(keepends=True)
    bad_precision = lines[2].replace("2024,1,Political", "2024,7,Political", 1)
    bad_date = lines[4].replace("2024-02-10", "31 Febtember 2024", 1)
    assert bad_precision != lines[2] and bad_date != lines[4]
    cut_short = ",".join(lines[3].split(",")[:6]) + "\n"
    path = folder / "acled-bad.csv"
    rows = [lines[0], lines[1], bad_precision, lines[3], bad_date, *([cut_short] if cut else [])]
    path.write_text("".join(rows), "utf-8")
    return path


def test_on_error_skip_keeps_good_rows_and_reports_the_bad(database: Path, tmp_path: Path) -> None:
    file = with_bad_rows(tmp_path)
    done = ok(database, "import", file, "--on-error", "skip")
    assert "as acled: 5 rows, 2 events" in done  # every row is counted, bad or good
    report = tmp_path / "acled-bad.csv.rejected.csv"
    assert f"3 bad rows skipped: listed in {report}" in done
    with report.open(newline="", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    rejected.sort(key=lambda r: int(r["row"]))
    assert [(r["file"], r["row"], r["field"]) for r in rejected] == [
        ("acled-bad.csv", "3", "time_precision"),
        ("acled-bad.csv", "5", "event_date"),
        ("acled-bad.csv", "6", ""),  # not a row of the file's columns: no one field
    ]
    assert "6 fields, the header has 31" in rejected[2]["problem"]
    assert '"7" is not 1, 2 or 3' in rejected[0]["problem"]
    assert sorted(by_key(exported(database))) == ["IRQ90001", "IRQ90003"]


def test_on_error_skip_with_every_row_bad_says_where_they_are(
    database: Path, tmp_path: Path
) -> None:
    lines = with_bad_rows(tmp_path).read_text(encoding="utf-8").splitlines(keepends=True)
    file = tmp_path / "all-bad.csv"
    file.write_text("".join([lines[0], lines[2], lines[4]]), encoding="utf-8")
    before = counts(database)
    done = hmc(database, "import", str(file), "--on-error", "skip")
    assert done.returncode == 1, done.stdout
    report = tmp_path / "all-bad.csv.rejected.csv"
    message = " ".join(done.stderr.split())
    assert message == (
        f"Error: all-bad.csv: no events or counts in the file; 2 bad rows, listed in {report}"
    )
    assert len(report.read_text(encoding="utf-8").splitlines()) == 3  # header, 2 rows
    assert counts(database) == before


def test_on_error_stop_writes_nothing(database: Path, tmp_path: Path) -> None:
    file = with_bad_rows(tmp_path, cut=False)
    before = counts(database)
    for args in ((), ("--on-error", "stop")):
        done = hmc(database, "import", str(file), *args)
        assert done.returncode == 1, done.stdout
        message = " ".join(done.stderr.split())
        assert message.startswith('Error: acled-bad.csv: row 3, field "time_precision"'), message
        assert counts(database) == before
    file = with_bad_rows(tmp_path)  # and a row cut short, which the CSV reader finds first
    done = hmc(database, "import", str(file))
    assert done.returncode == 1, done.stdout
    message = " ".join(done.stderr.split())
    assert message == "Error: acled-bad.csv: row 6: 6 fields, the header has 31", message
    assert counts(database) == before
    assert not (tmp_path / "acled-bad.csv.rejected.csv").exists()


def audit_records(database: Path, action: str) -> list[tuple[str, str, str]]:
    """The audit trail's records of ``action``: object type, object id, actor."""
    with closing(sqlite3.connect(database)) as connection:
        query = "SELECT object_type, object_id, actor FROM audit_record WHERE action = ?"
        return list(connection.execute(query + " ORDER BY seq", (action,)))


def test_one_event_from_two_sources_is_linked_and_can_be_unlinked(
    demo_db: Path, tmp_path: Path
) -> None:
    database = copy_database(demo_db, tmp_path / "hmc.db")  # with the demo's members
    ok(database, "import", ACLED)
    linked = ok(database, "import", CANDIDATE)
    assert "3 events, 0 counts added, 0 duplicates skipped, 1 linked" in linked
    mosul = exported(database, "--from", "2024-01-15", "--to", "2024-01-15")
    acled, ucdp = sorted(mosul, key=lambda e: e["source"])
    assert (acled["source"], ucdp["source"]) == ("acled", "ucdp-candidate")
    assert ucdp["duplicate_of"] == acled["id"] and acled["duplicate_of"] is None
    assert acled["grade"] == "B2"  # confirmed by one independent source, not two
    shown = ok(database, "event", str(ucdp["id"]))
    link = re.search(r"link (\d+) \(linked\): acled IRQ90001 — same day, ([0-9.]+) km apart", shown)
    assert link, shown
    assert float(link.group(2)) < 1.5 and "isis_attack / isis_attack" in shown
    why = ok(database, "event", str(acled["id"]))
    assert "probably true: confirmed by 1 independent source (ucdp)" in why
    others = exported(database, "--source", "ucdp-candidate")
    assert [e["duplicate_of"] for e in others if e["id"] != ucdp["id"]] == [None, None]

    refused = hmc(database, "links", "undo", link.group(1), "--user", "us-observer",
                  stdin=f"{PASSWORD}\n")  # fmt: skip
    assert refused.returncode == 1 and "may undo a link" in " ".join(refused.stderr.split())
    undone = ok(database, "links", "undo", link.group(1), "--user", "iq-analyst",
                stdin=f"{PASSWORD}\n")  # fmt: skip
    assert f"link {link.group(1)} undone: event {ucdp['id']} is no longer counted" in undone
    after = {
        e["source"]: e for e in exported(database, "--from", "2024-01-15", "--to", "2024-01-15")
    }
    assert after["ucdp-candidate"]["duplicate_of"] is None
    assert after["acled"]["grade"] == "B3"  # both count again, each on its own
    assert f"link {link.group(1)} (undone by " in ok(database, "event", str(ucdp["id"]))
    [(kind, link_id, actor)] = audit_records(database, "undo")
    assert (kind, link_id) == ("event_link", link.group(1)) and actor.startswith("member:")
    assert hmc(database, "audit", "verify").returncode == 0
    again = hmc(database, "links", "undo", link.group(1), "--user", "iq-analyst",
                stdin=f"{PASSWORD}\n")  # fmt: skip
    assert again.returncode == 1 and "already undone" in again.stderr


def test_two_reports_of_one_source_family_confirm_once(database: Path, tmp_path: Path) -> None:
    with CANDIDATE.open(newline="", encoding="utf-8") as handle:
        mosul = next(csv.DictReader(handle))  # the Mosul attack, as UCDP GED also has it
    ged = tmp_path / "ged.csv"
    with ged.open("w", newline="", encoding="utf-8") as out:
        del mosul["code_status"]
        writer = csv.DictWriter(out, fieldnames=list(mosul))
        writer.writeheader()
        writer.writerow(mosul | {"id": "7000001"})
    ok(database, "import", ACLED)
    ok(database, "import", CANDIDATE)
    assert "1 linked" in ok(database, "import", ged, "--format", "ucdp-ged")
    day = exported(database, "--from", "2024-01-15", "--to", "2024-01-15")
    acled = next(e for e in day if e["source"] == "acled")
    assert {e["source"]: e["duplicate_of"] for e in day} == {
        "acled": None,
        "ucdp-candidate": acled["id"],
        "ucdp-ged": acled["id"],
    }
    shown = ok(database, "event", str(acled["id"]))
    assert "grade B2" in shown and "confirmed by 1 independent source (ucdp)" in shown
    assert "ucdp-candidate 9000001" in shown and "ucdp-ged 7000001" in shown
