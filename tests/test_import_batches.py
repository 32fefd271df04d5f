"""Big files are read a batch at a time; a batch with a bad cell is read row by row.

What a user sees must not depend on which way a row was read: the error for a bad cell deep
in a big file names its row and field, ``--on-error skip`` keeps every good row whatever
batch the bad ones sit in, and a batch read at once gives the same events as its rows read
one by one.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pyarrow as pa
import pytest

from hmc.evidence.categories import Categories
from hmc.evidence.importers import FORMATS, Format, Rows, digest, load_mapping, mapped_format
from hmc.evidence.importers.columns import EVENT_SCHEMA, from_rows
from hmc.evidence.importers.csvfile import BATCH_ROWS, open_binary
from hmc.framework.schemas import CommissionConfig
from hmc.framework.service import shipped_commissions
from importing import TEST_DATA, counts, hmc, ok

GED_CUT = TEST_DATA / "ucdp_ged_syria_2016q1_cut.csv"
BIG = 100_000  # rows: three batches and more


def write_ged(path: Path, rows: int, changes: dict[int, dict[str, str] | str]) -> None:
    """``rows`` UCDP GED rows, the cut's with ids of their own; ``changes`` by row of the file
    (the header is row 1): cells to change, or the text of the whole row."""
    with GED_CUT.open(newline="", encoding="utf-8") as handle:
        header, *cut = csv.reader(handle)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(rows):
            change = changes.get(n + 2, {})
            if isinstance(change, str):
                out.write(change + "\r\n")
                continue
            cells = dict(zip(header, cut[n % len(cut)], strict=True))
            writer.writerow((cells | {"id": str(70_000_000 + n)} | change).values())


def test_a_bad_date_deep_in_a_big_file_names_its_row_and_field(tmp_path: Path) -> None:
    database, big = tmp_path / "hmc.db", tmp_path / "big.csv"
    ok(database, "init")
    before = counts(database)
    write_ged(big, BIG, {70_000: {"date_start": "2016-02-30"}})

    done = hmc(database, "import", big, "--format", "ucdp-ged")

    assert done.returncode == 1
    assert " ".join(done.stderr.split()) == (
        'Error: big.csv: row 70000, field "date_start": "2016-02-30" is not a valid date '
        "(February 2016 has 29 days)"
    )
    assert counts(database) == before


def test_skip_keeps_every_good_row_whatever_batch_the_bad_ones_are_in(tmp_path: Path) -> None:
    database, big = tmp_path / "hmc.db", tmp_path / "big.csv"
    ok(database, "init")
    bad: dict[int, dict[str, str] | str] = {
        10: {"best": "many"},
        BATCH_ROWS + 100: "1,2",  # a short row: Arrow skips it, the rows after move up
        BATCH_ROWS + 200: {"latitude": "95.5"},
        3 * BATCH_ROWS - 5: {"type_of_violence": "4"},
    }
    write_ged(big, BIG, bad)

    said = ok(database, "import", big, "--format", "ucdp-ged", "--on-error", "skip")

    assert f"{BIG:,} rows, {BIG - 4:,} events" in said, said
    with (tmp_path / "big.csv.rejected.csv").open(newline="", encoding="utf-8") as report:
        rejected = [(int(r["row"]), r["field"], r["problem"]) for r in csv.DictReader(report)]
    assert sorted(rejected) == [
        (10, "best", 'big.csv: row 10, field "best": "many" is not a whole number of zero or more'),
        (BATCH_ROWS + 100, "", f"big.csv: row {BATCH_ROWS + 100}: 2 fields, the header has 41"),
        (
            BATCH_ROWS + 200,
            "latitude",
            f'big.csv: row {BATCH_ROWS + 200}, field "latitude": 95.5 is outside -90 to 90',
        ),
        (
            3 * BATCH_ROWS - 5,
            "type_of_violence",
            f'big.csv: row {3 * BATCH_ROWS - 5}, field "type_of_violence": "4" is not 1, 2 or 3',
        ),
    ]
    assert counts(database)["event"] == BIG - 4


def categories() -> Categories:
    """The categories of the shipped commissions, as an import finds them."""
    found = Categories()
    for path in shipped_commissions():
        for category in CommissionConfig.model_validate(tomllib.loads(path.read_text())).category:
            found.add(category.id, category.rules)
    return found


def both_ways(fmt: Format, path: Path) -> tuple[pa.Table, pa.Table]:
    """The events of the file's batches read at once, and of its rows read one by one."""
    digest(path, text=fmt.text)
    per_row: list[pa.RecordBatch] = []
    at_once: list[pa.RecordBatch] = []
    rows = Rows(fmt.source.key, categories(), lambda events, _: per_row.append(from_rows(events)))
    with open_binary(path, unpack=fmt.text) as stream:
        table = fmt.table(path.name, stream)
        read = fmt.start(table, rows)
        assert fmt.columns is not None
        convert = fmt.columns(table, rows)
        for batch in table.batches(fmt.reads):
            at_once.append(convert(batch.cells))  # Irregular here fails the test
            for record in batch.records():
                read(record)
                rows.keep(record.row)
    rows.finish()
    return (
        pa.Table.from_batches(at_once, EVENT_SCHEMA),
        pa.Table.from_batches(per_row, EVENT_SCHEMA),
    )


@pytest.mark.parametrize(
    ("format", "file"),
    [
        ("ucdp-ged", "ucdp_ged_syria_2016q1_cut.csv"),
        ("ucdp-candidate", "ucdp_candidate_iraq_handwritten.csv"),
        ("acled", "acled_iraq_codebook_handwritten.csv"),
    ],
)
def test_a_batch_read_at_once_gives_the_events_of_its_rows_read_one_by_one(
    format: str, file: str
) -> None:
    at_once, per_row = both_ways(FORMATS[format], TEST_DATA / file)
    assert at_once.num_rows == per_row.num_rows > 0
    assert at_once.to_pylist() == per_row.to_pylist()
    assert len(set(at_once.column("category").to_pylist())) > 1  # the configuration's rules


def test_a_mapped_file_read_at_once_gives_the_events_of_its_rows(tmp_path: Path) -> None:
    mapping, _ = load_mapping(TEST_DATA / "incidents.toml")
    at_once, per_row = both_ways(mapped_format(mapping, TEST_DATA / "incidents_handwritten.csv"),
                                 TEST_DATA / "incidents_handwritten.csv")  # fmt: skip
    assert at_once.num_rows == per_row.num_rows > 0
    assert at_once.to_pylist() == per_row.to_pylist()
