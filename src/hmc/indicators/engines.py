"""Where an indicator expression runs: the app database, DuckDB or Spark.

An engine runs an expression of :mod:`hmc.indicators.compile` and returns its rows. It
reads either the app's tables (the app database itself, or a copy of them that DuckDB or
Spark reads) or a file of events a user names (Parquet or CSV, as ``hmc events --export``
writes it). It is chosen by ``HMC_ANALYTICS_URL`` or ``--engine``: ``app``, ``duckdb``,
``duckdb:FILE``, ``spark`` or ``spark:FILE`` (see docs/indicators.md).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from ibis.expr.types import Table
from sqlalchemy.orm import Session

from hmc.domain.periods import calendar
from hmc.errors import InvalidInput
from hmc.indicators.files import (
    SPANS,
    check_events_file,
    duckdb_reader,
    file_tables,
    file_views,
    is_csv,
    read_errors,
    spark_columns,
)
from hmc.indicators.tables import EVIDENCE_TABLES, GEOGRAPHY, PERIOD
from hmc.storage.base import Base

KINDS = ("app", "duckdb", "spark")
_UNREAD = frozenset({"description", "text", "note", "url", "external_key", "actor1", "actor2"})
GeographyRows = Sequence[tuple[str, str | None]]  # (series, governorate); None: nationwide
_DATES = ("period_start", "period_end", "known_on")


class Analytics(Protocol):
    """An engine that runs indicator expressions over one set of tables."""

    kind: str
    over_files: bool

    def execute(self, expr: Table) -> pd.DataFrame:
        """The rows of ``expr``, dates as :class:`datetime.date`."""
        ...

    def keep(self, expr: Table) -> Table:
        """``expr`` computed once and kept as a table while the engine is open: the table."""
        ...


def _kept(expr: Table, kept: list[str]) -> tuple[str, Table]:
    """A new name in ``kept`` for a result an engine keeps, and the table reading it."""
    kept.append(f"hmc_kept_{len(kept) + 1}")
    return kept[-1], ibis.table(expr.schema(), name=kept[-1])


@dataclass(frozen=True)
class Choice:
    """An engine (``app``, ``duckdb``, ``spark``) and the events file it reads, if any."""

    kind: str
    file: Path | None = None

    @classmethod
    def parse(cls, text: str, *, where: str) -> Choice:
        """``app``, ``duckdb``, ``duckdb:FILE``, ``spark`` or ``spark:FILE``.

        >>> Choice.parse("duckdb:events.parquet", where="--engine")
        Choice(kind='duckdb', file=PosixPath('events.parquet'))
        """
        kind, _, file = text.strip().partition(":")
        if kind not in KINDS or (kind == "app" and file):
            raise InvalidInput(
                f'{where}: "{text}" is not an engine (write app, duckdb, duckdb:FILE, spark'
                " or spark:FILE)"
            )
        return cls(kind, Path(file) if file else None)


def sql(expr: Table, dialect: str) -> str:
    """``expr`` in an engine's SQL, on one line (printing it readably costs as much again)."""
    return str(ibis.to_sql(expr, dialect=dialect, pretty=False))


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    for column in _DATES:
        if column not in frame:
            continue
        found = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(found):  # text, or dates as objects
            found = pd.to_datetime(found.astype(str).str[:10], format="%Y-%m-%d")
        frame[column] = found.dt.date
    return frame


class AppDatabase:
    """The app database (SQLite or PostgreSQL), on the session's own connection."""

    kind = "app"
    over_files = False

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = {"postgresql": "postgres"}.get(session.get_bind().dialect.name, "sqlite")
        self.kept: list[str] = []

    def execute(self, expr: Table) -> pd.DataFrame:
        result = self.session.execute(sa.text(sql(expr, self.dialect)))
        return _dated(pd.DataFrame(result.fetchall(), columns=list(result.keys())))

    def keep(self, expr: Table) -> Table:
        name, table = _kept(expr, self.kept)
        self._forget(name)
        self.session.execute(sa.text(f"CREATE TEMPORARY TABLE {name} AS {sql(expr, self.dialect)}"))
        return table

    def _forget(self, name: str) -> None:
        """Drop this connection's temporary table ``name`` if it has one: SQLite creates a
        table outside the transaction, so one whose drop was rolled back is still there."""
        schema = "pg_temp" if self.dialect == "postgres" else "temp"
        self.session.execute(sa.text(f"DROP TABLE IF EXISTS {schema}.{name}"))

    @contextmanager
    def with_tables(self, aux: dict[str, pa.Table]) -> Iterator[AppDatabase]:
        """The computation's own tables as temporary tables, dropped afterwards."""
        metadata = sa.MetaData()
        tables = [_temporary(metadata, name, data) for name, data in aux.items()]
        connection = self.session.connection()
        for table, (_, data) in zip(tables, aux.items(), strict=True):
            self._forget(table.name)
            table.create(connection)
            rows = data.to_pylist()
            if rows:
                connection.execute(table.insert(), rows)
        try:
            yield self
        finally:
            for table in tables:
                table.drop(connection)
            for name in reversed(self.kept):
                connection.execute(sa.text(f"DROP TABLE {name}"))


_SA_TYPES: dict[str, sa.types.TypeEngine[Any]] = {"string": sa.Text(), "date": sa.Date()}


_KEYS = {"hmc_geography": ("governorate", "series"), "hmc_period": ("period", "period_start")}


def _temporary(metadata: sa.MetaData, name: str, data: pa.Table) -> sa.Table:
    """A temporary table, indexed on what the expressions join it on."""
    schema = {"hmc_geography": GEOGRAPHY, "hmc_period": PERIOD}[name].schema()
    columns = [sa.Column(c, _SA_TYPES[str(t).lower().rstrip("!")]) for c, t in schema.items()]
    table = sa.Table(name, metadata, *columns, prefixes=["TEMPORARY"])
    sa.Index(f"{name}_key", *(table.c[k] for k in _KEYS[name]))
    return table


class DuckDB:
    """DuckDB in memory, over Arrow copies of the app's tables or over an events file."""

    kind = "duckdb"

    def __init__(
        self, tables: dict[str, pa.Table], file: Path | None, geography: GeographyRows
    ) -> None:
        import duckdb

        self.over_files, self.file, self.errors = file is not None, file, (duckdb.Error,)
        self.connection = duckdb.connect()
        self.kept: list[str] = []
        if file is not None:
            self.connection.execute(f"CREATE VIEW events_file AS {duckdb_reader(file)}")
            with read_errors(file, self.errors):
                spans = self.connection.sql(SPANS).arrow()
            spans = spans.read_all() if isinstance(spans, pa.RecordBatchReader) else spans
            tables = file_tables(spans)
            for name, view in file_views(spans["source"].to_pylist()).items():
                self.connection.execute(f'CREATE VIEW "{name}" AS {sql(view, "duckdb")}')
        for name, data in with_aux(tables, geography).items():
            self.connection.register(name, data)

    def execute(self, expr: Table) -> pd.DataFrame:
        with read_errors(self.file, self.errors):
            return _dated(self.connection.sql(sql(expr, "duckdb")).df())

    def keep(self, expr: Table) -> Table:
        name, table = _kept(expr, self.kept)
        with read_errors(self.file, self.errors):
            self.connection.execute(f"CREATE TEMPORARY TABLE {name} AS {sql(expr, 'duckdb')}")
        return table

    def close(self) -> None:
        self.connection.close()


class Spark:
    """PySpark (local unless Spark's own settings name a cluster) over Parquet copies or a file."""

    kind = "spark"

    def __init__(
        self, tables: dict[str, pa.Table], file: Path | None, geography: GeographyRows,
        folder: Path,
    ) -> None:  # fmt: skip
        from py4j.protocol import Py4JJavaError
        from pyspark.errors import PySparkException

        self.over_files, self.file = file is not None, file
        self.errors = (PySparkException, Py4JJavaError)
        self.spark = spark_session()
        self.kept: list[str] = []
        if file is not None:
            read = self.spark.read
            if is_csv(file):  # the columns by their names, as text, then typed
                found = read.csv(str(file), header=True, multiLine=True, escape='"')
                found = found.selectExpr(*spark_columns())
            else:
                found = read.parquet(str(file))
            found.createOrReplaceTempView("events_file")
            with read_errors(file, self.errors):
                spans = self.spark.sql(SPANS).toArrow()
            tables = file_tables(spans)
            for name, view in file_views(spans["source"].to_pylist()).items():
                sql = _spark_sql(view)
                self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW `{name}` AS {sql}")
        for name, data in with_aux(tables, geography).items():
            path = folder / f"{name}.parquet"
            pq.write_table(data, path)
            self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def execute(self, expr: Table) -> pd.DataFrame:
        with read_errors(self.file, self.errors):
            return _dated(self.spark.sql(_spark_sql(expr)).toArrow().to_pandas())

    def keep(self, expr: Table) -> Table:
        name, table = _kept(expr, self.kept)
        with read_errors(self.file, self.errors):
            self.spark.sql(f"CACHE TABLE `{name}` AS {_spark_sql(expr)}")
        return table

    def close(self) -> None:
        """The kept results dropped (the Spark session outlives the engine)."""
        for name in reversed(self.kept):  # a kept result may read the one before
            self.spark.sql(f"UNCACHE TABLE IF EXISTS `{name}`")
            self.spark.catalog.dropTempView(name)


def _spark_sql(expr: Table) -> str:
    ibis.pyspark  # noqa: B018  (registers the options the Spark SQL compiler reads)
    return sql(expr, "pyspark")


@cache
def spark_session() -> Any:
    """One Spark session a process: local mode by default, times in UTC, no web UI."""
    from pyspark.sql import SparkSession

    warehouse = tempfile.mkdtemp(prefix="hmc-spark-")
    session = (
        SparkSession.builder.appName("hmc")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("FATAL")
    # PySpark logs a failed query's Java stack before raising; the error is reported once
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return session


def aux_tables(geography: GeographyRows, span: tuple[date, date] | None) -> dict[str, pa.Table]:
    """``hmc_geography`` and ``hmc_period`` as Arrow tables."""
    series, governorates = zip(*geography, strict=True) if geography else ((), ())
    counted: dict[str, list[str]] = {}
    for key, governorate in geography:
        counted.setdefault(key, []).extend([governorate] if governorate else [])
    periods = calendar(*span) if span else []
    return {
        "hmc_geography": pa.table(
            {
                "series": pa.array(series, pa.string()),
                "area": pa.array([",".join(sorted(counted[k])) for k in series], pa.string()),
                "governorate": pa.array(governorates, pa.string()),
            }
        ),
        "hmc_period": pa.table(
            {
                "period": pa.array([p for p, _, _ in periods], pa.string()),
                "period_start": pa.array([s for _, s, _ in periods], pa.date32()),
                "period_end": pa.array([e for _, _, e in periods], pa.date32()),
            }
        ),
    }


def app_tables(session: Session) -> dict[str, pa.Table]:
    """The app's evidence tables as Arrow tables (the columns indicators read)."""
    out = {}
    for table in EVIDENCE_TABLES:
        name = table.get_name()
        stored = Base.metadata.tables[name]
        fields = [f for f in table.schema().to_pyarrow() if f.name not in _UNREAD]
        rows = session.execute(sa.select(*(stored.c[f.name] for f in fields))).all()
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
        out[name] = pa.table(
            [pa.array(c, f.type) for c, f in zip(columns, fields, strict=True)],
            schema=pa.schema(fields),
        )
    return out


def with_aux(tables: dict[str, pa.Table], geography: GeographyRows) -> dict[str, pa.Table]:
    """``tables`` and the computation's own (see :func:`aux_tables`), the calendar spanning
    the coverage of ``tables["import_batch"]``."""
    batches = tables["import_batch"]
    low = pa.compute.min(batches["coverage_start"]).as_py()
    high = pa.compute.max(batches["coverage_end"]).as_py()
    return {**tables, **aux_tables(geography, None if low is None else (low, high))}


def app_span(session: Session) -> tuple[date, date] | None:
    """The first and last day the app's imports cover."""
    found = session.execute(
        sa.text("SELECT MIN(coverage_start), MAX(coverage_end) FROM import_batch")
    ).one()
    if found[0] is None:
        return None
    return date.fromisoformat(str(found[0])[:10]), date.fromisoformat(str(found[1])[:10])


@contextmanager
def open_engine(
    choice: Choice, session: Session | None, geography: GeographyRows
) -> Iterator[Analytics]:
    """The engine ``choice`` names, with every table an indicator expression reads."""
    if choice.file is not None:
        check_events_file(choice.file, choice.kind)
    if choice.kind == "app":
        assert session is not None
        with AppDatabase(session).with_tables(aux_tables(geography, app_span(session))) as app:
            yield app
        return
    tables = {} if choice.file is not None else app_tables(session)  # type: ignore[arg-type]
    folder = Path(tempfile.mkdtemp(prefix="hmc-spark-tables-"))
    engine: DuckDB | Spark | None = None
    try:
        if choice.kind == "duckdb":
            engine = DuckDB(tables, choice.file, geography)
        else:
            engine = Spark(tables, choice.file, geography, folder)
        yield engine
    finally:
        if engine is not None:
            engine.close()
        shutil.rmtree(folder, ignore_errors=True)
