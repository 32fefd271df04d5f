"""Events files an engine reads instead of the app's tables: Parquet or CSV, with the columns
``hmc events --export`` writes (see docs/indicators.md).

A file is checked before an engine reads it: what is not an events file is refused, naming
the file and what is wrong with it; so is a value the engine cannot read in it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import takewhile
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.expr.types import Table

from hmc.errors import InvalidInput

# The columns of an events file that indicators read.
EVENTS_FILE = ibis.table(
    {
        "id": "int64",
        "source": "string",
        "occurred_on": "date",
        "category": "string",
        "event_type": "string",
        "target": "string",
        "governorate": "string",
        "location": "string",
        "deaths": "float64",
        "duplicate_of": "int64",
    },
    name="events_file",
)
SPANS = "SELECT source, MIN(occurred_on) AS first, MAX(occurred_on) AS last FROM events_file"
SPANS += " GROUP BY source ORDER BY source"


def is_csv(file: Path) -> bool:
    return file.suffix.lower() == ".csv"


def check_events_file(file: Path, kind: str) -> None:
    """Refuse ``file`` unless it is an events file: its name, then what is wrong with it."""
    if not file.is_file():
        raise InvalidInput(f"{kind}:{file}: no such file")
    found = _columns(file)
    missing = [c for c in EVENTS_FILE.columns if c not in found]
    if missing:
        raise InvalidInput(
            f"{file}: no column {', '.join(missing)} (an events file has the columns"
            " 'hmc events --export' writes)"
        )


def _columns(file: Path) -> list[str]:
    if is_csv(file):
        try:
            with file.open(encoding="utf-8-sig", newline="") as stream:
                return list(next(csv.reader(stream), []))
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{file}: not UTF-8 text (byte {exc.start})") from exc
        except csv.Error as exc:
            raise InvalidInput(f"{file}: not CSV ({exc})") from exc
    try:
        return list(pq.read_schema(file).names)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(
            f"{file}: not a Parquet file (an events file is Parquet, or CSV named .csv)"
        ) from exc


@contextmanager
def read_errors(file: Path | None, errors: tuple[type[Exception], ...]) -> Iterator[None]:
    """``errors`` raised while an engine reads ``file`` refused as the file's, naming it."""
    try:
        yield
    except errors as exc:
        if file is None:
            raise
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        told = list(takewhile(lambda line: not line.startswith("=="), lines))[:3]
        raise InvalidInput(f"{file}: {'; '.join(told) or repr(exc)}") from exc


def file_tables(spans: pa.Table) -> dict[str, pa.Table]:
    """``source`` and ``import_batch`` of an events file, from each source's first and last
    day in it (``spans``: source, first, last): each source covers its events' dates."""
    ids = pa.array(range(1, spans.num_rows + 1), pa.int64())
    return {
        "source": pa.table({"id": ids, "key": spans["source"]}),
        "import_batch": pa.table(
            {"source_id": ids, "coverage_start": spans["first"], "coverage_end": spans["last"]}
        ),
    }


def file_views(keys: list[str]) -> dict[str, Table]:
    """``event``, ``event_account`` (none) and ``observation`` (none) over an events file."""
    events = EVENTS_FILE
    source_id = ibis.cases(*[(events.source == k, n) for n, k in enumerate(keys, start=1)])
    event = events.select(
        "id", source_id=source_id.cast("int64"), occurred_on=events.occurred_on,
        category=events.category, event_type=events.event_type, target=events.target,
        governorate=events.governorate, location=events.location, deaths=events.deaths,
        duplicate_of=events.duplicate_of,
    )  # fmt: skip
    nothing = ibis.literal(False)
    account = event.filter(nothing).select(
        event_id=event.id, commission_id=event.category, party=event.category,
        category=event.category, deaths=event.deaths,
    )  # fmt: skip
    counted = event.filter(nothing).select(  # a file of events holds no published counts
        "source_id", series=event.category, governorate=event.governorate,
        period_start=event.occurred_on, period_end=event.occurred_on, basis=event.category,
        value=event.deaths,
    )  # fmt: skip
    return {"event": event, "event_account": account, "observation": counted}


_SQL_TYPES = {"int64": "BIGINT", "float64": "DOUBLE", "string": "VARCHAR", "date": "DATE"}


def _typed() -> dict[str, str]:
    return {c: _SQL_TYPES[str(t).lower().rstrip("!")] for c, t in EVENTS_FILE.schema().items()}


def duckdb_reader(file: Path) -> str:
    """DuckDB SQL reading an events file, its columns typed (a CSV's values checked as read,
    a wrong one named with its line and column)."""
    quoted = str(file).replace("'", "''")
    if is_csv(file):
        types = ", ".join(f"'{c}': '{t}'" for c, t in _typed().items())
        return f"SELECT * FROM read_csv('{quoted}', header = true, types = {{{types}}})"
    columns = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in _typed().items())
    return f"SELECT {columns} FROM read_parquet('{quoted}')"


def spark_columns() -> list[str]:
    """Spark SQL taking the columns of an events file by name from text ones, typed."""
    spark = {"VARCHAR": "STRING"}
    return [f"CAST(`{c}` AS {spark.get(t, t)}) AS `{c}`" for c, t in _typed().items()]
