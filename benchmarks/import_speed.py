"""Import speed: 1,000,000 UCDP GED rows, shaped like UCDP's published CSV, into SQLite.

The rows are made from a template row in the columns of the GED codebook (the ones of
tests/data/ucdp_ged_syria_2016q1_cut.csv), each with its own id, date, place and deaths, and
imported through ``import_file`` as ``hmc import`` does (streamed, validated, normalised,
categorised, written in bulk, linked, audited). Peak memory is the process's maximum
resident set, read after the import.

Run: ``make bench`` (or ``python benchmarks/import_speed.py [ROWS] [DATABASE_URL]``; a
PostgreSQL URL measures PostgreSQL). The last line is ``import: rows=N rows_per_s=N
peak_mib=N``.
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from hmc.accounts import Actor
from hmc.evidence.service import import_file
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import get_engine, migrate, session_scope

SAMPLE = Path(__file__).parents[1] / "tests" / "data" / "ucdp_ged_syria_2016q1_cut.csv"
ROWS = 1_000_000


def write_rows(path: Path, rows: int) -> None:
    """``rows`` rows in the sample's columns, cycling its rows with new ids, days and deaths."""
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
            writer.writerow(row)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{folder}/bench.db"
        engine = get_engine(url)
        migrate(engine)
        actor = Actor.system("benchmark")
        with session_scope(engine) as session:
            for config in shipped_commissions():  # the categories come from the configuration
                load_commission(session, path=config, actor=actor)
        path = Path(folder) / "ged.csv"
        write_rows(path, rows)
        start = time.perf_counter()
        with session_scope(engine) as session:
            report = import_file(session, path=path, format="ucdp-ged", actor=actor)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"{engine.dialect.name}: {report.events_added:,} events in {seconds:.1f} s "
            f"from a {path.stat().st_size / 2**20:,.0f} MiB file"
        )
        print(f"import: rows={report.rows} rows_per_s={report.rows / seconds:.0f} peak_mib={peak}")
        engine.dispose()


if __name__ == "__main__":
    main()
