"""Reading a batch of rows at once, column by column: the fast path of an import.

A format that reads columns (``Format.columns``) checks and converts a whole batch with
``pyarrow.compute``: dates, numbers and required cells in one pass over each column, and
what it looks up (governorates, categories) once per distinct value of the batch. A cell
that is not in its plain form (a bad date, a number with spaces around it, an unknown code)
raises :class:`Irregular`: the batch is then read a record at a time, as the formats without
columns read every batch, so errors name the file, row and field as there, and
``--on-error skip`` keeps the batch's good rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from hmc.domain.days import EARLIEST, LATEST
from hmc.errors import EvidenceError
from hmc.evidence.importers.csvfile import MAX_DIGITS, Record

WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What str.strip() strips: every character Python counts as whitespace."""
EVENT_SCHEMA = pa.schema(
    [
        ("external_key", pa.string()),
        ("occurred_on", pa.date32()),
        ("occurred_at", pa.timestamp("us")),
        ("date_precision", pa.string()),
        ("category", pa.string()),
        ("event_type", pa.string()),
        ("target", pa.string()),
        ("actor1", pa.string()),
        ("actor2", pa.string()),
        ("country", pa.string()),
        ("governorate", pa.string()),
        ("location", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("deaths", pa.float64()),
        ("deaths_low", pa.float64()),
        ("deaths_high", pa.float64()),
        ("description", pa.string()),
        ("url", pa.string()),
    ]
)
"""The columns of an Event as Arrow types, in the order of EventRow."""
_DEFAULTS: dict[str, object] = {"date_precision": "day", "governorate": None}
_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_WHOLE = f"^[0-9]{{1,{MAX_DIGITS}}}$"
_DECIMAL = r"^-?[0-9]{1,3}(\.[0-9]+)?$"


class Irregular(Exception):
    """A cell of the batch is not in its plain form: read the batch a record at a time."""


def require(ok: Any) -> None:
    """Raise Irregular unless every value of the boolean array ``ok`` is true."""
    if not pc.all(ok).as_py():
        raise Irregular


def text(cells: pa.RecordBatch, column: str, limit: int | None = None) -> pa.Array:
    """The cells of ``column`` stripped of surrounding spaces (as Record.text), cut at ``limit``."""
    stripped = pc.utf8_trim(cells.column(column), WHITESPACE)
    return stripped if limit is None else pc.utf8_slice_codeunits(stripped, 0, limit)


def sized(values: pa.Array, most: int) -> pa.Array:
    """``values``, each required to hold 1 to ``most`` characters."""
    length = pc.utf8_length(values)
    require(pc.and_(pc.greater_equal(length, 1), pc.less_equal(length, most)))
    return values


def day(cells: pa.RecordBatch, column: str) -> pa.Array:
    """The cells of ``column`` as dates: each written YYYY-MM-DD, within hmc's dates."""
    values = cells.column(column)
    require(pc.match_substring_regex(values, _DAY))
    try:
        days = values.cast(pa.date32())
    except pa.ArrowInvalid:  # no such day (2023-02-29)
        raise Irregular from None
    after, before = pa.scalar(EARLIEST, pa.date32()), pa.scalar(LATEST, pa.date32())
    require(pc.and_(pc.greater_equal(days, after), pc.less_equal(days, before)))
    return days


def whole(cells: pa.RecordBatch, column: str) -> pa.Array:
    """The cells of ``column`` as whole numbers of zero or more (null where empty)."""
    values = cells.column(column)
    written = pc.match_substring_regex(values, _WHOLE)
    return _numbers(values, written)


def coordinate(cells: pa.RecordBatch, column: str, limit: float) -> pa.Array:
    """The cells of ``column`` as decimals from -``limit`` to ``limit`` (null where empty)."""
    values = cells.column(column)
    numbers = _numbers(values, pc.match_substring_regex(values, _DECIMAL))
    if numbers.null_count < len(numbers) and pc.max(pc.abs(numbers)).as_py() > limit:
        raise Irregular
    return numbers


def _numbers(values: pa.Array, written: pa.Array) -> pa.Array:
    """``values`` as floats, each written as ``written`` says or empty (null)."""
    if pc.all(written).as_py():
        return values.cast(pa.float64())
    empty = pc.equal(values, "")
    require(pc.or_(written, empty))
    return pc.if_else(empty, None, values).cast(pa.float64())


def choice(values: pa.Array, meaning: dict[str, str]) -> pa.Array:
    """What each of ``values`` means in ``meaning``, every one required to be there."""
    require(pc.is_in(values, pa.array(list(meaning), pa.string())))
    return mapped(meaning.__getitem__, values)


def mapped(
    function: Callable[..., object], *columns: pa.Array, type: pa.DataType | None = None
) -> pa.Array:
    """``function`` of each row's values in ``columns``, called once per distinct values.

    An EvidenceError from ``function`` is Irregular: the record's own reading says why.
    """
    encoded = [pc.dictionary_encode(column) for column in columns]
    sizes = [len(each.dictionary) for each in encoded]
    code = encoded[0].indices.cast(pa.int64())  # the row's distinct values as one number
    try:
        for each, size in zip(encoded[1:], sizes[1:], strict=True):
            code = pc.add_checked(pc.multiply_checked(code, size), each.indices.cast(pa.int64()))
    except pa.ArrowInvalid:  # too many distinct values to number: read record by record
        raise Irregular from None
    distinct = pc.dictionary_encode(code)
    dictionaries = [each.dictionary.to_pylist() for each in encoded]
    results = []
    try:
        for number in distinct.dictionary.to_pylist():
            values = []
            for dictionary, size in zip(dictionaries[:0:-1], sizes[:0:-1], strict=True):
                number, at = divmod(number, size)
                values.append(dictionary[at])
            results.append(function(dictionaries[0][number], *reversed(values)))
    except EvidenceError:
        raise Irregular from None
    return pa.array(results, type).take(distinct.indices)


def one_cell(file: str, column: str, value: str) -> Record:
    """A record of one cell, to read a distinct value as a record's reading would."""
    return Record(file, 0, {column: 0}, [value])


def events(count: int, **columns: pa.Array | str | None) -> pa.RecordBatch:
    """``count`` events: the ``columns`` given (an array, or one text for every row), and
    the empty values of new_event for the rest."""
    unknown = set(columns) - set(EVENT_SCHEMA.names)
    if unknown:
        raise TypeError(f"not event fields: {sorted(unknown)}")
    arrays = []
    for field in EVENT_SCHEMA:
        given = columns.get(field.name, _DEFAULTS.get(field.name, _empty(field.type)))
        if isinstance(given, pa.Array):
            arrays.append(given.cast(field.type))
        else:
            arrays.append(pa.array([given] * count, field.type) if given is not None
                          else pa.nulls(count, field.type))  # fmt: skip
    return pa.RecordBatch.from_arrays(arrays, schema=EVENT_SCHEMA)


def _empty(type: pa.DataType) -> str | None:
    return "" if pa.types.is_string(type) else None


def span(days: pa.Array) -> tuple[date, date]:
    """The first and last of ``days``."""
    least, most = pc.min_max(days).values()
    return least.as_py(), most.as_py()


def from_rows(rows: Sequence[Mapping[str, object]]) -> pa.RecordBatch:
    """Events read a record at a time (EventRow), as columns."""
    return pa.RecordBatch.from_pylist(list(rows), schema=EVENT_SCHEMA)
