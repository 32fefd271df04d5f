"""Speed figures, each against a baseline measured in the same run on the same machine.

- import: the bundled SIGACT event file through ``hmc import`` (parse, validate, normalise,
  deduplicate, insert) against the floor of reading the same CSV and inserting its raw
  rows with ``sqlite3.executemany``.
- indicators: computing every indicator of the PIC replay against a pandas group-by of the
  same ESOC file (the floor for reading and aggregating it).
- indicators again: the same call when nothing is stale (what a reload or a read costs).
- status: evaluating the 18 PIC gates as of one date.

Run: ``make bench``. Prints seconds and ratios; it asserts nothing.
"""

from __future__ import annotations

import csv
import gzip
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from hmc.actor import Actor
from hmc.evidence.service import bundled_files, import_file
from hmc.framework.service import load_commission, shipped_commissions
from hmc.indicators.service import compute
from hmc.storage import get_engine, migrate, session_scope
from hmc.timeline.status import status

BENCH = Actor.system("benchmark")


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def raw_insert(path: Path, db: Path) -> None:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    connection = sqlite3.connect(db)
    connection.execute("create table raw (a, b, c, d, e)")
    connection.executemany("insert into raw values (?, ?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()


def main() -> None:
    files = dict((fmt, path) for path, fmt in bundled_files())
    with tempfile.TemporaryDirectory() as folder:
        engine = get_engine(f"sqlite:///{folder}/bench.db")
        migrate(engine)
        pic = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")
        with session_scope(engine) as session:
            load_commission(session, path=pic, actor=BENCH)
        for fmt, path in files.items():
            if fmt != "sigacts":
                with session_scope(engine) as session:
                    import_file(session, path=path, format=fmt, actor=BENCH)

        def hmc_import() -> None:
            with session_scope(engine) as session:
                import_file(session, path=files["sigacts"], format="sigacts", actor=BENCH)

        baseline = timed(lambda: raw_insert(files["sigacts"], Path(folder) / "raw.db"))
        measured = timed(hmc_import)
        print(
            f"import sigacts (162,852 rows): {measured:.2f} s; raw executemany floor "
            f"{baseline:.2f} s; ratio {measured / baseline:.1f}x"
        )

        def hmc_compute() -> None:
            with session_scope(engine) as session:
                compute(session, commission_id="pic-iraq-2006", actor=BENCH)

        esoc = files["esoc-weekly"]
        floor = timed(lambda: pd.read_csv(esoc).groupby(["governorate", "week_start"]).sum())
        measured = timed(hmc_compute)
        print(
            f"compute pic-iraq-2006 indicators: {measured:.2f} s; pandas group-by floor "
            f"{floor:.2f} s; ratio {measured / floor:.1f}x"
        )
        again = timed(hmc_compute)  # nothing stale: only the check that nothing is
        print(
            f"compute pic-iraq-2006 again, all up to date: {again:.3f} s"
            f" ({again / measured:.1%} of computing it)"
        )

        def hmc_status() -> None:
            with session_scope(engine) as session:
                status(session, commission_id="pic-iraq-2006", as_of=date(2007, 6, 30))

        measured = timed(hmc_status)
        print(f"status pic-iraq-2006 as of 2007-06-30 (18 gates): {measured:.2f} s")


if __name__ == "__main__":
    main()
