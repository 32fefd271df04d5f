"""Any other CSV file or spreadsheet, read through a mapping file (TOML) its user writes.

The mapping names the source, which column holds each field of an event, how dates are
written, and which category each value of the category column stands for. A worked example
is in docs/evidence.md. Fields: ``external_key`` (else the row's content and occurrence),
``occurred_on`` (required), ``category`` (required), ``event_type``, ``actor1``,
``actor2``, ``governorate``, ``location``, ``latitude``, ``longitude``, ``deaths``,
``deaths_low``, ``deaths_high``, ``description``, ``url``.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import Counter
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, BinaryIO, Literal

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hmc.domain.days import day_problem
from hmc.errors import EvidenceError
from hmc.evidence.categories import OTHER
from hmc.evidence.importers.base import (
    ColumnReader,
    Format,
    RowReader,
    Rows,
    SourceInfo,
    csv_table,
    new_event,
)
from hmc.evidence.importers.columns import (
    coordinate,
    events,
    mapped,
    one_cell,
    require,
    text,
    whole,
)
from hmc.evidence.importers.csvfile import Record, Table
from hmc.evidence.importers.excel import ExcelFile
from hmc.gazetteers import gazetteer_of

Column = Annotated[str, Field(min_length=1, max_length=200)]
TEXT_FIELDS = ("event_type", "actor1", "actor2", "location", "description", "url")
NUMBER_FIELDS = ("deaths", "deaths_low", "deaths_high")
SPREADSHEETS = (".xlsx", ".xlsm")
SHEET_DATES = ("%Y-%m-%d", "%Y-%m-%d %H:%M")  # a date cell, as excel.cell_text writes it


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MappedSource(_Part):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
    name: Annotated[str, Field(max_length=300)]
    reliability: Literal["A", "B", "C", "D", "E", "F"]
    url: str = ""
    licence: str = ""


class MappedFile(_Part):
    date_format: str = "%Y-%m-%d"  # as Python's strptime reads it
    country: str = ""  # when every row is in one country; else the "country" column
    sheet: str | None = None  # of a spreadsheet; default the first


class MappedColumns(_Part):
    external_key: Column | None = None
    occurred_on: Column
    category: Column
    event_type: Column | None = None
    actor1: Column | None = None
    actor2: Column | None = None
    country: Column | None = None
    governorate: Column | None = None
    location: Column | None = None
    latitude: Column | None = None
    longitude: Column | None = None
    deaths: Column | None = None
    deaths_low: Column | None = None
    deaths_high: Column | None = None
    description: Column | None = None
    url: Column | None = None


class Mapping(_Part):
    source: MappedSource
    file: MappedFile = MappedFile()
    columns: MappedColumns
    categories: dict[str, Annotated[str, Field(max_length=64)]] = Field(default_factory=dict)


def load_mapping(path: Path) -> tuple[Mapping, str]:
    """The mapping at ``path`` and the SHA-256 of its text, or an EvidenceError naming it."""
    try:
        data = path.read_bytes()
        mapping = Mapping.model_validate(tomllib.loads(data.decode("utf-8")))
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot be read ({exc.strerror})", file=str(path)) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EvidenceError(f"{path.name}: not a TOML file ({exc})", file=path.name) from None
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise EvidenceError(
            f"{path.name}: {where}: {problem['msg']}", file=path.name, field=where
        ) from None
    return mapping, hashlib.sha256(data).hexdigest()


def mapped_format(mapping: Mapping, file: Path) -> Format:
    """The format a mapping makes of ``file`` (a spreadsheet by its extension, else CSV)."""
    given = mapping.columns.model_dump(exclude_none=True)
    spreadsheet = file.suffix.lower() in SPREADSHEETS

    def table(name: str, stream: BinaryIO) -> Table:
        if spreadsheet:
            return ExcelFile(name, stream, sheet=mapping.file.sheet)
        return csv_table(name, stream)

    source = mapping.source
    return Format(
        name="mapping",
        description=f"a file read through a mapping ({source.name})",
        source=SourceInfo(source.key, source.name, source.url, source.licence, source.reliability),
        header=tuple(given.values()),
        start=lambda table, out: _reader(mapping, table, out, spreadsheet=spreadsheet),
        columns=(lambda table, _: _columns(mapping, table, spreadsheet=spreadsheet))
        if mapping.columns.external_key
        else None,
        reads=tuple(dict.fromkeys(given.values())),
        table=table,
        text=not spreadsheet,
    )


def _reader(mapping: Mapping, table: Table, out: Rows, *, spreadsheet: bool) -> RowReader:
    columns = mapping.columns
    table.require(*mapping.columns.model_dump(exclude_none=True).values())
    seen: Counter[tuple[str, ...]] = Counter()

    def cell(record: Record, column: str | None) -> str:
        return record.text(column) if column else ""

    def read(record: Record) -> None:
        raw = cell(record, columns.category)
        key = cell(record, columns.external_key)
        if not key:
            cells = tuple(record.raw())
            seen[cells] += 1
            digest = hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:32]
            key = f"{digest}:{seen[cells]}"
        country = cell(record, columns.country) or mapping.file.country
        numbers = {
            name: record.parse_optional_int(column)
            for name in NUMBER_FIELDS
            if (column := getattr(columns, name))
        }
        texts = {name: cell(record, getattr(columns, name)) for name in TEXT_FIELDS}
        texts["event_type"] = (texts["event_type"] or raw)[:64]
        out.event(
            new_event(
                external_key=key[:128],
                occurred_on=_date(
                    record, columns.occurred_on, mapping.file.date_format, spreadsheet=spreadsheet
                ),
                category=_category(mapping, raw),
                country=country[:64],
                governorate=_governorate(mapping, country, cell(record, columns.governorate)),
                latitude=record.parse_coordinate(columns.latitude, 90)
                if columns.latitude
                else None,
                longitude=(
                    record.parse_coordinate(columns.longitude, 180) if columns.longitude else None
                ),
                **numbers,
                **texts,
            )
        )

    return read


def _columns(mapping: Mapping, table: Table, *, spreadsheet: bool) -> ColumnReader:
    """A batch of rows at once, as :func:`_reader` reads each, when the file has its own ids
    (a row without one is read on its own: its id is made from its content)."""
    given, form = mapping.columns, mapping.file.date_format

    def day(value: str) -> date:
        record = one_cell(table.name, given.occurred_on, value)
        return _date(record, given.occurred_on, form, spreadsheet=spreadsheet)

    def read(cells: pa.RecordBatch) -> pa.RecordBatch:
        def column(name: str) -> pa.Array:  # the cells of the field's column, or empty text
            source = getattr(given, name)
            return text(cells, source) if source else pa.array([""] * cells.num_rows, pa.string())

        key, raw = column("external_key"), column("category")
        require(pc.greater(pc.utf8_length(key), 0))
        country = pc.if_else(
            pc.equal(column("country"), ""), mapping.file.country, column("country")
        )
        texts = {name: column(name) for name in TEXT_FIELDS}
        named = texts["event_type"]
        texts["event_type"] = pc.utf8_slice_codeunits(
            pc.if_else(pc.equal(named, ""), raw, named), 0, 64
        )
        numbers = {
            name: whole(cells, source) for name in NUMBER_FIELDS if (source := getattr(given, name))
        }
        return events(
            cells.num_rows,
            external_key=pc.utf8_slice_codeunits(key, 0, 128),
            occurred_on=mapped(day, cells.column(given.occurred_on), type=pa.date32()),
            category=mapped(partial(_category, mapping), raw),
            country=pc.utf8_slice_codeunits(country, 0, 64),
            governorate=mapped(
                partial(_governorate, mapping), country, column("governorate"), type=pa.string()
            ),
            latitude=coordinate(cells, given.latitude, 90) if given.latitude else None,
            longitude=coordinate(cells, given.longitude, 180) if given.longitude else None,
            **numbers,
            **texts,
        )

    return read


def _category(mapping: Mapping, raw: str) -> str:
    """The category the mapping gives the category column's value ``raw``."""
    return mapping.categories.get(raw) or mapping.categories.get("*", OTHER)


def _governorate(mapping: Mapping, country: str, place: str) -> str | None:
    """The governorate ``place`` names, in the row's country (or the file's)."""
    fixed = gazetteer_of(mapping.file.country) if mapping.file.country else None
    gazetteer = gazetteer_of(country) if mapping.columns.country and country else fixed
    return gazetteer.governorate(place) if gazetteer and place else None


def _date(record: Record, column: str, form: str, *, spreadsheet: bool) -> date:
    """The cell as a date written as the mapping says (or, in a spreadsheet, a date cell).

    A spreadsheet's date cell is a date whatever the sheet shows it as: it is read as
    ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM`` with a time, see :func:`excel.cell_text`).
    """
    text = record.digits(column, "dates")
    forms = (form, *SHEET_DATES) if spreadsheet else (form,)
    for each in forms:
        try:
            day = datetime.strptime(text, each).date()
            break
        except ValueError:
            continue
    else:
        cell = " or a date cell" if spreadsheet else ""
        record.fail(column, f'"{record.shown(column)}" is not a date written "{form}"{cell}')
    if problem := day_problem(day):
        record.fail(column, problem)
    return day
