"""Import speed: 1,000,000 UCDP GED rows, shaped like UCDP's published CSV, into SQLite.

The rows are made from a template row in the columns of the GED codebook (the ones of
tests/data/ucdp_ged_syria_2016q1_cut.csv), each with its own id, date, place and deaths, and
imported through ``import_file`` as ``hmc import`` does (streamed, validated, normalised,
categorised, written in bulk, linked, audited). Peak memory is the process's maximum
resident set, read after the import.

The baseline, measured in the same run on a tenth of the rows: the same rows with one cell in
each batch written irregularly (a number with spaces around it), so that every batch is read
record by record, as formats without a columnar reader read theirs.

Run: ``make bench`` (or ``python benchmarks/import_speed.py [ROWS] [DATABASE]``; DATABASE is a
database URL, or ``postgres`` for a throwaway PostgreSQL server started as the tests start
theirs, see tests/postgres.py). The last line is ``import: rows=N rows_per_s=N peak_mib=N``.
"""

from __future__ import annotations

import contextlib
import csv
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from hmc.actor import Actor
from hmc.evidence.service import import_file
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import get_engine, migrate, session_scope

ACTOR = Actor.system("benchmark")

TESTS = Path(__file__).parents[1] / "tests"
SAMPLE = TESTS / "data" / "ucdp_ged_syria_2016q1_cut.csv"
ROWS = 1_000_000
IRREGULAR_EVERY = 10_000  # rows: one irregular cell in each batch of the baseline's file


def write_rows(path: Path, rows: int, *, irregular: bool = False) -> None:
    """``rows`` rows in the sample's columns, cycling its rows with new ids, days and deaths
    (``irregular``: a number with spaces around it every IRREGULAR_EVERY rows)."""
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        templates = list(reader)
    at = {name: i for i, name in enumerate(header)}
    draw = random.Random(8)
    first = date(1989, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for n in range(rows):
            row = list(templates[n % len(templates)])
            day = (first + timedelta(days=draw.randrange(12_000))).isoformat()
            best = draw.randrange(50)
            row[at["id"]] = str(10_000_000 + n)
            row[at["date_start"]] = row[at["date_end"]] = day
            row[at["year"]] = day[:4]
            row[at["low"]], row[at["best"]], row[at["high"]] = str(best), str(best), str(best + 3)
            if irregular and n % IRREGULAR_EVERY == 0:
                row[at["best"]] = f" {best} "
            writer.writerow(row)


@contextlib.contextmanager
def database(given: str | None, folder: str) -> Iterator[str]:
    """The URL of the database to import into: ``given``, a throwaway PostgreSQL server's
    (``postgres``), or a new SQLite file in ``folder``."""
    if given != "postgres":
        yield given or f"sqlite:///{folder}/bench.db"
        return
    sys.path.insert(0, str(TESTS))
    from postgres import start_cluster, stop_cluster

    cluster = start_cluster()
    try:
        yield cluster.create_database()
    finally:
        stop_cluster(cluster)


def timed_import(engine: Engine, path: Path) -> tuple[int, int, float]:
    """Rows read, events added and seconds taken by importing ``path`` as 'hmc import' does."""
    start = time.perf_counter()
    with session_scope(engine) as session:
        report = import_file(session, path=path, format="ucdp-ged", actor=ACTOR)
    return report.rows, report.events_added, time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    given = sys.argv[2] if len(sys.argv) > 2 else None
    with (
        tempfile.TemporaryDirectory() as folder,
        database(given, folder) as url,
    ):
        engine = get_engine(url)
        migrate(engine)
        with session_scope(engine) as session:
            for config in shipped_commissions():  # the categories come from the configuration
                load_commission(session, path=config, actor=ACTOR)
        path, baseline = Path(folder) / "ged.csv", Path(folder) / "ged-baseline.csv"
        write_rows(path, rows)
        write_rows(baseline, max(rows // 10, 1), irregular=True)
        read, added, seconds = timed_import(engine, path)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        base_read, _, base_seconds = timed_import(engine, baseline)
        engine.dispose()
    print(
        f"{engine.dialect.name}: {added:,} events in {seconds:.1f} s "
        f"from a {rows:,}-row file ({rows / seconds:,.0f} rows/s); baseline, every batch read "
        f"record by record: {base_read:,} rows at {base_read / base_seconds:,.0f} rows/s "
        f"({base_seconds / base_read * read / seconds:.1f} times slower)"
    )
    print(f"import: rows={read} rows_per_s={read / seconds:.0f} peak_mib={peak}")


if __name__ == "__main__":
    main()
