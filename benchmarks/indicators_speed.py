"""Indicator speed: every measured indicator of both shipped commissions over 10,000,000 events.

The events are synthetic, shaped like the real ones: the governorates weighted as the SIGACT
records are, the commissions' categories and targets, deaths mostly none and a long tail,
dates from 2004 to 2024, one in fifty a linked duplicate. Each measured indicator of
``hmc-iraq-2024`` and ``pic-iraq-2006`` is computed as an events indicator (a published
series becomes the events of its category), weekly, monthly and quarterly, nationwide and
per area, with zeros within the sources' coverage. Three ways, on the same Parquet file,
in the same run:

* hmc: one pass over the events for all, then each indicator's expression over its result,
  on the DuckDB engine over the file (see docs/indicators.md);
* hand SQL: a DuckDB query per indicator written by hand for the same work (one pass over
  the events per day and governorate, then bucketed, rolled up and zero-filled), run over
  the file and over a copy in memory (its loading counted); the faster is the baseline;
* pandas: a straightforward pandas implementation of the same work (the file already read).

The three must agree. Each way's libraries are loaded before it is timed (Ibis loads its SQL
compilers, some 0.3 s, the first time a process compiles an expression). Then the same work
at 1,000,000 events on SQLite, PostgreSQL (a throwaway server, as the tests start one) and
Spark (local mode) is printed. Peak memory is the process's maximum resident set after the
10,000,000-event part.

Run: ``make bench`` (or ``python benchmarks/indicators_speed.py [EVENTS]``). The last line
is ``indicators: events=N hmc_s=X sql_s=X pandas_s=X ratio_sql=X ratio_pandas=X
peak_mib=N``.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import ibis.backends.sql.compilers  # noqa: F401  (loaded before the timing, as DuckDB and pandas are)
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from hmc.domain.periods import calendar
from hmc.evidence.models import Event, ImportBatch, Source
from hmc.framework.service import shipped_commissions
from hmc.indicators.computing import indicator_values
from hmc.indicators.engines import Choice, open_engine
from hmc.indicators.service import digest
from hmc.storage import Session, get_engine, migrate

EVENTS = 10_000_000
SMALL = 1_000_000
GOVERNORATES = {  # share of the SIGACT records, roughly
    "baghdad": 30, "anbar": 20, "ninewa": 10, "salah-al-din": 10, "diyala": 9, "kirkuk": 4,
    "babil": 4, "basra": 3, "wasit": 2, "dhi-qar": 1, "najaf": 1, "karbala": 1, "maysan": 1,
    "qadisiyah": 1, "muthanna": 0.5, "erbil": 0.5, "dohuk": 0.5, "sulaymaniyah": 0.5,
    "halabja": 0.1,
}  # fmt: skip
CATEGORIES = {"attack": 40, "isis_attack": 25, "attack_on_coalition": 10, "militia_attack": 10,
              "coalition_strike": 5, "other": 10}  # fmt: skip
COUNTED_AS = {  # a published series, as the events of its category
    "isis_incidents": {"where": {"category": "isis_attack"}},
    "battle_deaths": {"measure": "sum", "field": "deaths",
                      "where": {"category": ["isis_attack", "coalition_strike"]}},
    "attacks_on_us_forces": {"where": {"category": "attack_on_coalition"}},
    "security_incidents": {},
    "esoc_sigact": {"where": {"category": "attack"}},
    "esoc_ied_attack": {"where": {"category": "attack", "event_type": "IED"}},
}  # fmt: skip
Work = list[tuple[str, dict[str, Any], dict[str, tuple[str, ...] | None]]]


def synthetic_events(n: int, seed: int = 9) -> pa.Table:
    """``n`` events in the columns of 'hmc events --export', dictionary-encoded."""
    rng = np.random.default_rng(seed)

    def draw(weights: dict[str, float]) -> pa.DictionaryArray:
        p = np.array(list(weights.values()), dtype=float)
        codes = rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int32)
        return pa.DictionaryArray.from_arrays(codes, list(weights))

    first = np.datetime64("2004-01-01")
    days = rng.integers(0, (np.datetime64("2024-12-31") - first).astype(int) + 1, n)
    deaths = np.where(rng.random(n) < 0.7, 0.0, np.floor(rng.lognormal(0.5, 1.2, n)))
    ids = np.arange(1, n + 1)
    duplicate = np.where(rng.random(n) < 0.02, np.maximum(ids - 1, 1), 0)
    places = pa.DictionaryArray.from_arrays(
        rng.integers(0, 400, n).astype(np.int32), [f"place {k}" for k in range(400)]
    )
    return pa.table(
        {
            "id": ids,
            "source": draw({"sigacts-bauer": 3, "acled": 2, "ucdp-ged": 1}),
            "occurred_on": pa.array(first + days.astype("timedelta64[D]"), pa.date32()),
            "category": draw(CATEGORIES),
            "event_type": draw({"IED": 4, "Small Arms": 3, "Indirect Fire": 2, "": 1}),
            "target": draw({"coalition": 5, "isf": 3, "civilian": 2}),
            "governorate": draw(GOVERNORATES),
            "location": places,
            "deaths": deaths,
            "duplicate_of": pa.array(np.where(duplicate > 0, duplicate, None), pa.int64()),
        }
    )


def work() -> tuple[Work, list[tuple[str, str | None]]]:
    """Each measured indicator as an events definition, with its series (nationwide and per
    area), and the rows of ``hmc_geography``."""
    found: Work = []
    for path in shipped_commissions():
        config = tomllib.loads(path.read_text(encoding="utf-8"))
        areas = [tuple(sorted(a["governorates"])) for a in config["area"]]
        for indicator in config["indicator"]:
            source = indicator.get("from")
            if source is None:
                continue
            definition = {"source": "events", "measure": "count", "where": {}}
            if source == "events":
                definition["where"] = indicator.get("where", {})
            else:
                definition |= COUNTED_AS[indicator["series"]]
            geos: list[tuple[str, ...] | None] = [None, *areas]
            series = {digest(definition, g): g for g in geos}
            found.append((indicator["id"], definition, series))
    rows = [
        (key, g)
        for _, _, series in found
        for key, geo in series.items()
        for g in ([None] if geo is None else geo)
    ]
    return found, rows


def run_hmc(choice: Choice, geography: list[tuple[str, str | None]], todo: Work,
            session: Session | None = None) -> tuple[float, pd.DataFrame]:  # fmt: skip
    """Seconds for hmc's engine to compute every indicator, and the values."""
    started = time.perf_counter()
    with open_engine(choice, session, geography) as analytics:
        frames = list(indicator_values(analytics, [(d, s) for _, d, s in todo]))
    return time.perf_counter() - started, _sorted(pd.concat(frames, ignore_index=True))


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[["series", "period", "period_start", "value"]].copy()
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    return frame.sort_values(["series", "period", "period_start"], ignore_index=True)


def _sql_where(where: dict[str, Any]) -> str:
    tests = ["duplicate_of IS NULL"]
    for field, wanted in where.items():
        values = [wanted] if isinstance(wanted, str) else wanted
        column = "source" if field == "source" else field
        tests.append(f"{column} IN ({', '.join(repr(v) for v in values)})")
    return " AND ".join(tests)


def hand_sql(con: duckdb.DuckDBPyConnection, events: str, todo: Work) -> tuple[float, pd.DataFrame]:
    """Seconds for DuckDB SQL written by hand doing the same work over ``events`` (a
    ``FROM`` clause), and the values: each indicator one pass over the events, per day and
    governorate, then bucketed, rolled up and zero-filled on that small result."""
    started = time.perf_counter()
    con.execute(f"CREATE OR REPLACE TABLE ev_spans AS SELECT source, MIN(occurred_on) AS lo,"
                f" MAX(occurred_on) AS hi FROM {events} GROUP BY source")  # fmt: skip
    frames = []
    for _, definition, series in todo:
        value = "SUM(deaths)" if definition["measure"] == "sum" else "COUNT(*)"
        geo = " UNION ALL ".join(
            f"SELECT '{k}' AS series, {'NULL' if g is None else repr(g)} AS governorate"
            for k, govs in series.items() for g in ([None] if govs is None else govs)
        )  # fmt: skip
        frames.append(
            con.sql(f"""
            WITH daily AS (
                SELECT occurred_on AS day, governorate, source, {value}::DOUBLE AS n
                FROM {events} WHERE {_sql_where(definition["where"])} GROUP BY ALL),
            cov AS (SELECT MIN(lo) AS lo, MAX(hi) AS hi FROM ev_spans
                    WHERE source IN (SELECT source FROM daily)),
            b AS (SELECT period, date_trunc(period, day)::DATE AS period_start, governorate,
                         SUM(n) AS n
                  FROM daily CROSS JOIN (VALUES ('week'), ('month'), ('quarter')) AS p(period)
                  GROUP BY ALL),
            geo AS ({geo}),
            sums AS (
                SELECT geo.series, period, period_start, SUM(n) AS n
                FROM b JOIN geo USING (governorate) GROUP BY ALL
                UNION ALL
                SELECT geo.series, period, period_start, SUM(n) AS n
                FROM b CROSS JOIN geo WHERE geo.governorate IS NULL GROUP BY ALL)
            SELECT s.series, p.period, p.period_start, COALESCE(sums.n, 0) AS value
            FROM (SELECT DISTINCT series FROM geo) s CROSS JOIN cov CROSS JOIN hmc_period p
            LEFT JOIN sums ON sums.series = s.series AND sums.period = p.period
              AND sums.period_start = p.period_start
            WHERE p.period_start >= cov.lo AND p.period_end <= cov.hi
            """).df()
        )
    return time.perf_counter() - started, _sorted(pd.concat(frames, ignore_index=True))


def pandas_way(
    events: pd.DataFrame, periods: pd.DataFrame, todo: Work
) -> tuple[float, pd.DataFrame]:
    """Seconds for a straightforward pandas implementation of the same work, and the values."""
    started = time.perf_counter()
    day = events["occurred_on"]
    starts = {
        "week": day - pd.to_timedelta(day.dt.day_of_week, unit="D"),
        "month": day.dt.to_period("M").dt.start_time,
        "quarter": day.dt.to_period("Q").dt.start_time,
    }
    spans = events.groupby("source", observed=True)["occurred_on"].agg(["min", "max"])
    frames = []
    for _, definition, series in todo:
        keep = events["duplicate_of"].isna()
        for field, wanted in definition["where"].items():
            keep &= events[field].isin([wanted] if isinstance(wanted, str) else wanted)
        chosen = events[keep]
        span = spans.loc[list(chosen["source"].unique())]
        low, high = span["min"].min(), span["max"].max()
        for period, start in starts.items():
            rows = chosen.assign(period_start=start[keep])
            if definition["measure"] == "sum":
                per = rows.groupby(["period_start", "governorate"], observed=True)["deaths"].sum()
            else:
                per = rows.groupby(["period_start", "governorate"], observed=True).size()
            per = per.astype(float).reset_index(name="n")
            grid = periods[(periods.period == period) & (periods.period_start >= low)
                           & (periods.period_end <= high)]  # fmt: skip
            for key, govs in series.items():
                part = per if govs is None else per[per["governorate"].isin(govs)]
                total = part.groupby("period_start")["n"].sum()
                values = total.reindex(grid["period_start"], fill_value=0.0)
                frames.append(pd.DataFrame({"series": key, "period": period,
                    "period_start": values.index, "value": values.to_numpy()}))  # fmt: skip
    return time.perf_counter() - started, _sorted(pd.concat(frames, ignore_index=True))


def app_database(url: str, events: pa.Table) -> sa.Engine:
    """An app database (migrated) holding ``events``, one import batch a source."""
    engine = get_engine.__wrapped__(url)
    migrate(engine)
    sources = events["source"].combine_chunks().dictionary.to_pylist()
    frame = events.to_pandas()
    with engine.begin() as connection:
        for n, key in enumerate(sources, start=1):
            part = frame[frame["source"] == key]
            connection.execute(sa.insert(Source), [{"id": n, "key": key, "name": key}])
            connection.execute(sa.insert(ImportBatch), [{
                "id": n, "source_id": n, "format": "bench", "file_name": "bench",
                "sha256": str(n), "rows": len(part),
                "coverage_start": part["occurred_on"].min(),
                "coverage_end": part["occurred_on"].max(), "imported_at": pd.Timestamp.now(),
            }])  # fmt: skip
        keys = {k: n for n, k in enumerate(sources, start=1)}
        rows = [
            {"id": r.id, "batch_id": keys[r.source], "source_id": keys[r.source],
             "external_key": str(r.id), "occurred_on": r.occurred_on, "category": r.category,
             "event_type": r.event_type, "target": r.target, "governorate": r.governorate,
             "location": r.location, "deaths": r.deaths,
             "duplicate_of": None if pd.isna(r.duplicate_of) else int(r.duplicate_of)}
            for r in frame.itertuples()
        ]  # fmt: skip
        connection.execute(sa.insert(Event), rows)
    return engine


def on_app(
    url: str, events: pa.Table, geography: list[tuple[str, str | None]], todo: Work
) -> float:
    engine = app_database(url, events)
    try:
        with Session(engine) as session:
            return run_hmc(Choice("app"), geography, todo, session)[0]
    finally:
        engine.dispose()


def timed(label: str, run: Callable[[], float]) -> None:
    try:
        print(f"  {label}: {run():.2f} s", flush=True)
    except Exception as exc:  # a missing server or JRE is reported, not fatal
        print(f"  {label}: not measured ({type(exc).__name__}: {exc})", flush=True)


def small_figures(events: pa.Table, geography: list[tuple[str, str | None]], todo: Work,
                  folder: Path) -> None:  # fmt: skip
    """The same work at 1,000,000 events on DuckDB, SQLite, PostgreSQL and Spark."""
    small = events.slice(0, min(SMALL, len(events)))
    file = folder / "small.parquet"
    pq.write_table(small, file)
    print(f"{len(small):,} events:", flush=True)
    timed("duckdb (events file)", lambda: run_hmc(Choice("duckdb", file), geography, todo)[0])
    timed("sqlite (app database)",
          lambda: on_app(f"sqlite:///{folder}/bench.db", small, geography, todo))  # fmt: skip

    def postgres() -> float:
        sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
        from postgres import start_cluster, stop_cluster

        cluster = start_cluster()
        try:
            return on_app(cluster.create_database(), small, geography, todo)
        finally:
            stop_cluster(cluster)

    timed("postgresql (app database)", postgres)
    timed("spark (events file, local mode)",
          lambda: run_hmc(Choice("spark", file), geography, todo)[0])  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS
    todo, geography = work()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        events = synthetic_events(n)
        file = folder / "events.parquet"
        pq.write_table(events, file)
        print(f"{n:,} events, {len(todo)} indicators, {len(geography)} geography rows", flush=True)
        hmc_s, ours = run_hmc(Choice("duckdb", file), geography, todo)
        con = duckdb.connect()
        low, high = pa.compute.min_max(events["occurred_on"]).values()
        periods = pd.DataFrame(calendar(low.as_py(), high.as_py()),
                               columns=["period", "period_start", "period_end"])  # fmt: skip
        con.register("hmc_period", periods)
        file_s, over_file = hand_sql(con, f"read_parquet('{file}')", todo)
        started = time.perf_counter()  # the same SQL over a copy in memory, its loading counted
        con.execute(f"CREATE TABLE ev AS FROM read_parquet('{file}')")
        copy_s, over_copy = hand_sql(con, "ev", todo)
        copy_s += time.perf_counter() - started
        con.execute("DROP TABLE ev")
        print(f"hand SQL: {file_s:.2f} s over the file, {copy_s:.2f} s over a copy in memory",
              flush=True)  # fmt: skip
        sql_s = min(file_s, copy_s)  # the faster of the two is the baseline
        frame = events.to_pandas()
        frame["occurred_on"] = pd.to_datetime(frame["occurred_on"])
        for column in ("period_start", "period_end"):
            periods[column] = pd.to_datetime(periods[column])
        pandas_s, pandas_values = pandas_way(frame, periods, todo)
        del frame
        for other in (over_file, over_copy, pandas_values):
            pd.testing.assert_frame_equal(ours, other, check_dtype=False)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"{len(ours):,} values, the same three ways", flush=True)
        small_figures(events, geography, todo, folder)
    print(
        f"indicators: events={n} hmc_s={hmc_s:.2f} sql_s={sql_s:.2f} pandas_s={pandas_s:.2f}"
        f" ratio_sql={hmc_s / sql_s:.2f} ratio_pandas={pandas_s / hmc_s:.2f} peak_mib={peak}"
    )


if __name__ == "__main__":
    main()
