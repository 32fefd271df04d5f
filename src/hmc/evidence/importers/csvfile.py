"""Reading evidence files as a stream: every error names the file, the row and the field.

A file is read a block at a time, never whole: plain, gzip (``.gz``) or zip (``.zip``, its
one member) compressed, so the memory an import takes does not grow with the file. Rows are
numbered as records: the header is row 1, the first data row row 2 (blank lines are not
counted). A row may hold at most :data:`MAX_ROW` bytes. A text file must be UTF-8 (a byte
order mark is fine), its dates within the dates hmc works with (:mod:`hmc.domain.days`) and
its numbers at most :data:`MAX_NUMBER`, every date and number written with the digits 0-9
(``int()`` and ``float()`` would read "٣" or "３" as 3, so other digits are refused rather
than read by some formats and not others).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, NoReturn, Protocol

import pyarrow as pa
import pyarrow.csv as pa_csv

from hmc.domain.days import EARLIEST, LATEST, day_problem, parse_day
from hmc.errors import EvidenceError

MAX_ROW = 1 << 20
"""The most bytes one row may hold (1 MiB): a file is read a block of this size at a time."""
MAX_DIGITS = 15
"""The most digits a number may have before any decimal point."""
MAX_NUMBER = 10**MAX_DIGITS - 1
"""The largest number a file may hold: whole numbers up to it are exact as floats (values),
and sums of a billion of them stay finite."""
BATCH_ROWS = 32_768
"""The rows read at once (fewer when they are long: at most BATCH_BLOCKS blocks)."""
BATCH_BLOCKS = 32
_CHUNK = 1 << 20  # bytes read at a time when hashing and checking a file
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")
_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?")
_SHOWN = 40  # a longer cell is cut in messages


@contextlib.contextmanager
def open_binary(path: Path, *, unpack: bool = True) -> Iterator[BinaryIO]:
    """The bytes of ``path`` as a stream, decompressed if it is gzip or zip.

    ``unpack`` False: the bytes as they are (a spreadsheet is a zip archive that its reader
    opens itself).
    """
    try:
        with path.open("rb") as raw:
            magic = raw.read(4) if unpack else b""
            raw.seek(0)
            if magic.startswith(_GZIP_MAGIC):
                with gzip.GzipFile(fileobj=raw) as stream:
                    yield stream  # type: ignore[misc]
            elif magic == _ZIP_MAGIC:
                with _zip_member(path, raw) as stream:
                    yield stream
            else:
                yield raw
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file", file=str(path)) from None
    except IsADirectoryError:
        raise EvidenceError(f"{path}: is a directory, not a file", file=str(path)) from None
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise EvidenceError(
            f"{path.name}: not a readable gzip file ({exc})", file=path.name
        ) from exc
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot be read ({exc.strerror})", file=str(path)) from exc


@contextlib.contextmanager
def _zip_member(path: Path, raw: BinaryIO) -> Iterator[BinaryIO]:
    """The one file a zip archive holds (as GDELT publishes its event files)."""
    try:
        archive = zipfile.ZipFile(raw)
    except zipfile.BadZipFile as exc:
        raise EvidenceError(
            f"{path.name}: not a readable zip file ({exc})", file=path.name
        ) from exc
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) != 1:
            raise EvidenceError(
                f"{path.name}: a zip file must hold one file, not {len(members)}", file=path.name
            )
        with archive.open(members[0]) as stream:
            yield stream  # type: ignore[misc]


def digest(path: Path, *, text: bool) -> str:
    """The SHA-256 of the (decompressed) content of ``path``, read once, a block at a time.

    With ``text``, the content is checked on the way: not UTF-16, and no NUL character
    (PostgreSQL text holds none), each refused naming the file (and the row); that it is
    UTF-8 is checked as it is read (see :func:`checked_text`). Without, the file is a
    spreadsheet: the SHA-256 of its bytes as they are.
    """
    sha = hashlib.sha256()
    offset = 0
    hashed: Future[None] | None = None  # hashing lets go of Python's lock: a block at a time
    with open_binary(path, unpack=text) as stream, ThreadPoolExecutor(1) as hasher:
        while block := stream.read(_CHUNK):
            if hashed is not None:
                hashed.result()
            hashed = hasher.submit(sha.update, block)
            if text:
                if offset == 0:
                    _not_utf16(path.name, block)
                if (nul := block.find(b"\0")) >= 0:
                    _check_text(path, offset + len(block))  # binary, rather: say so
                    row = _lines(path, offset + nul) + 1
                    raise EvidenceError(
                        f"{path.name}: row {row}: not valid CSV (a NUL character)",
                        file=path.name,
                        row=row,
                    )
            offset += len(block)
        if hashed is not None:
            hashed.result()
    return sha.hexdigest()


def _check_text(path: Path, end: int) -> None:
    """Check that the first ``end`` bytes of the content of ``path`` are UTF-8 text."""
    check = _TextCheck(path.name)
    with open_binary(path) as stream:
        while end > 0 and (block := stream.read(min(_CHUNK, end))):
            check.block(block)
            end -= len(block)


def _lines(path: Path, end: int) -> int:
    """The line breaks in the first ``end`` bytes of the (decompressed) content of ``path``."""
    lines = 0
    with open_binary(path) as stream:
        while end > 0 and (block := stream.read(min(_CHUNK, end))):
            lines += block.count(b"\n")
            end -= len(block)
    return lines


def _not_utf16(name: str, start: bytes) -> None:
    """Refuse a file starting with ``start`` if it is UTF-16 text (as Excel saves it)."""
    if start.startswith(_UTF16_BOMS):
        raise EvidenceError(
            f"{name}: UTF-16 text, not UTF-8 (save it as CSV UTF-8, e.g. in Excel "
            '"CSV UTF-8 (Comma delimited)")',
            file=name,
        )


def checked_text(stream: BinaryIO, name: str) -> BinaryIO:
    """``stream``, its bytes checked to be UTF-8 text as they are read (on the thread that
    reads them, while the rows before are written)."""
    return io.BufferedReader(_CheckedText(stream, name), buffer_size=_CHUNK)


class _CheckedText(io.RawIOBase):
    def __init__(self, raw: BinaryIO, name: str) -> None:
        self._raw = raw
        self._check = _TextCheck(name)
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self._check.block(bytes(memoryview(buffer)[:count]), final=not count)
        self._read += count
        return int(count)

    def tell(self) -> int:
        return self._read


class _TextCheck:
    """Checks text a block at a time: UTF-8, not UTF-16."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._offset = 0  # in the file, of the bytes not checked yet
        self._rest = b""  # the start of a character the block before cut short

    def block(self, block: bytes, *, final: bool = False) -> None:
        """Check ``block``, the next bytes of the file (``final``: there are no more)."""
        name = self._name
        if self._offset == 0 and not self._rest:
            _not_utf16(name, block)
        text = self._rest + block
        end = len(text) if final else _whole_characters(text)
        try:  # Python's decoder checks it twice as fast as Arrow's validation
            text[:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            byte = self._offset + exc.start
            raise EvidenceError(
                f"{name}: not UTF-8 text (byte {byte} cannot be read)", file=name
            ) from exc
        self._offset += end
        self._rest = text[end:]


def _whole_characters(text: bytes) -> int:
    """How many bytes of UTF-8 ``text`` hold whole characters: all but the last one's start,
    if the last one may be cut short (a lead byte among the last four)."""
    for back in range(1, min(4, len(text)) + 1):
        byte = text[-back]
        if byte < 0x80:  # ASCII: a character of its own
            return len(text)
        if byte >= 0xC0:  # the first byte of a character: the rest may come next
            return len(text) - back
    return len(text)


Bad = Callable[[EvidenceError], None]  # told of each bad row, when bad rows are skipped


class Table(Protocol):
    """A file of rows under a header: CSV, tab-separated or a spreadsheet."""

    name: str
    header: list[str]

    def has(self, column: str) -> bool: ...
    def require(self, *columns: str) -> None: ...
    def batches(
        self, columns: Sequence[str] | None = None, bad: Bad | None = None
    ) -> Iterator[Batch]: ...
    def records(
        self, columns: Sequence[str] | None = None, bad: Bad | None = None
    ) -> Iterator[Record]: ...


class Batch:
    """Data rows read together: their cells as Arrow text columns, and their row numbers.

    The columns are the ones read, in that order; a format may convert them at once (see
    :mod:`hmc.evidence.importers.columns`) or read them a record at a time.
    """

    __slots__ = ("cells", "file", "rows")

    def __init__(self, file: str, cells: pa.RecordBatch, rows: Sequence[int]) -> None:
        self.file = file
        self.cells = cells
        self.rows = rows

    def records(self) -> Iterator[Record]:
        """The rows, one Record each."""
        index = {column: i for i, column in enumerate(self.cells.schema.names)}
        values = zip(*(column.to_pylist() for column in self.cells.columns), strict=True)
        for row, cells in zip(self.rows, values, strict=True):
            yield Record(self.file, row, index, cells)


class Record:
    """One data row; its typed getters raise an EvidenceError naming the file, row and field."""

    __slots__ = ("_columns", "_values", "file", "row")

    def __init__(self, file: str, row: int, columns: dict[str, int], values: Sequence[str]) -> None:
        self.file = file
        self.row = row
        self._columns = columns
        self._values = values

    def where(self, field: str) -> str:
        """Where ``field`` of this row is, for messages: file, row and field."""
        return f'{self.file}: row {self.row}, field "{field}"'

    def details(self, field: str) -> dict[str, object]:
        """The ``details`` of an error on ``field`` of this row."""
        return {"file": self.file, "row": self.row, "field": field}

    def error(self, field: str, problem: str) -> EvidenceError:
        """The error for ``field`` of this row."""
        return EvidenceError(f"{self.where(field)}: {problem}", **self.details(field))

    def fail(self, field: str, problem: str) -> NoReturn:
        """Raise the error for ``field`` of this row."""
        raise self.error(field, problem)

    def raw(self) -> list[str]:
        """The cells of the row, as read."""
        return list(self._values)

    def text(self, field: str) -> str:
        """The cell, stripped of surrounding spaces."""
        return self._values[self._columns[field]].strip()

    def shown(self, field: str) -> str:
        """The cell for a message: cut if it is long."""
        text = self.text(field)
        return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"

    def digits(self, field: str, what: str = "numbers") -> str:
        """The cell, refused if it holds a digit other than 0-9 (Arabic-Indic, full-width, ...)."""
        text = self.text(field)
        if not text.isascii():
            for char in text:
                if char.isdigit() and not char.isascii():
                    self.fail(
                        field,
                        f'"{self.shown(field)}" holds the digit "{char}" (U+{ord(char):04X}): '
                        f"write {what} with the digits 0-9",
                    )
        return text

    def parse_date(self, field: str) -> date:
        """The cell as a date, YYYY-MM-DD, within the dates hmc works with."""
        text = self._values[self._columns[field]]
        if len(text) == 10 and text.isascii() and text[4] == text[7] == "-":
            with contextlib.suppress(ValueError):  # else the full check below says why
                day = date.fromisoformat(text)
                if EARLIEST <= day <= LATEST:
                    return day
        try:
            return parse_day(self.digits(field, "dates"))
        except ValueError as exc:  # says what is wrong: the form or the range
            self.fail(field, str(exc))

    def parse_datetime(self, field: str) -> datetime:
        """The cell as a naive date and time, ``YYYY-MM-DD HH:MM``, within hmc's dates."""
        text = self.digits(field, "dates")
        moment = None
        if _DATETIME.fullmatch(text):
            with contextlib.suppress(ValueError):  # e.g. 2004-13-01: the message below says it
                moment = datetime.fromisoformat(text)
        if moment is None:
            shown = self.shown(field)
            self.fail(field, f'"{shown}" is not a date and time (expected YYYY-MM-DD HH:MM)')
        if problem := day_problem(moment.date()):
            self.fail(field, problem)
        return moment

    def parse_int(self, field: str) -> int:
        """The cell as a whole number from 0 to MAX_NUMBER."""
        text = self._values[self._columns[field]]
        if 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit():
            return int(text)
        text = self.digits(field)
        if not _WHOLE.fullmatch(text):
            self.fail(field, f'"{self.shown(field)}" is not a whole number of zero or more')
        self._bound(field, text)
        return int(text)

    def parse_figure(self, field: str, text: str) -> float:
        """``text``, the cell or a part of it (digits 0-9, maybe a decimal part), as a float."""
        self._bound(field, text)
        return float(text)

    def _bound(self, field: str, text: str) -> None:
        """Refuse a number above MAX_NUMBER, saying the maximum."""
        whole = text.partition(".")[0].lstrip("0")
        # The length first: int() of 4,300+ digits fails, float() of 309+ is infinite.
        if len(whole) > MAX_DIGITS or float(text) > MAX_NUMBER:
            what = "is" if text == self.text(field) else "holds a number"
            self.fail(field, f'"{self.shown(field)}" {what} too large (at most {MAX_NUMBER:,})')

    def parse_coordinate(self, field: str, limit: float) -> float | None:
        """The cell as a decimal number from -``limit`` to ``limit``, or None when empty."""
        text = self._values[self._columns[field]]
        if text.isascii() and _DECIMAL.fullmatch(text) and -limit <= float(text) <= limit:
            return float(text)
        text = self.digits(field)
        if not text:
            return None
        if not _DECIMAL.fullmatch(text):
            self.fail(field, f'"{self.shown(field)}" is not a decimal number')
        value = float(text)
        if not -limit <= value <= limit:
            self.fail(field, f"{text} is outside -{limit:g} to {limit:g}")
        return value

    def parse_optional_int(self, field: str) -> int | None:
        """The cell as a whole number, or None when empty."""
        return self.parse_int(field) if self._values[self._columns[field]].strip() else None


class Header(ABC):
    """The columns of a file, checked: none named twice, the required ones there."""

    def __init__(self, name: str, header: list[str]) -> None:
        self.name = name
        self.header = header
        if not any(header):
            raise EvidenceError(f"{name}: the file is empty (expected a header row)", file=name)
        self._columns: dict[str, int] = {}
        for i, column in enumerate(header):
            first = self._columns.setdefault(column, i)
            if first != i and column:  # unnamed columns are never read: only named ones clash
                raise EvidenceError(
                    f'{name}: row 1: the column "{column}" appears twice in the header '
                    f"(columns {first + 1} and {i + 1})",
                    file=name,
                    row=1,
                    field=column,
                )

    def has(self, column: str) -> bool:
        """Whether the header has ``column``."""
        return column in self._columns

    def require(self, *columns: str) -> None:
        """Raise an EvidenceError naming the first of ``columns`` the header lacks."""
        for column in columns:
            if column not in self._columns:
                raise EvidenceError(
                    f'{self.name}: missing column "{column}" '
                    f"(the header has: {', '.join(self.header)})",
                    file=self.name,
                    row=1,
                    field=column,
                )

    def wanted(self, columns: Sequence[str] | None) -> list[str]:
        """The named columns to read: ``columns`` (checked), or every named one."""
        if columns is None:
            return [c for i, c in enumerate(self.header) if c and self._columns[c] == i]
        self.require(*columns)
        return list(dict.fromkeys(columns))

    @abstractmethod
    def batches(
        self, columns: Sequence[str] | None = None, bad: Bad | None = None
    ) -> Iterator[Batch]:
        """The data rows in batches, after checking the header has every one of ``columns``.

        ``columns`` None: every named column. A row that cannot be read (of the wrong width)
        is an EvidenceError, or, given ``bad``, handed to it and skipped.
        """

    def records(
        self, columns: Sequence[str] | None = None, bad: Bad | None = None
    ) -> Iterator[Record]:
        """The data rows, one Record each (see :meth:`batches`)."""
        for batch in self.batches(columns, bad):
            yield from batch.records()


class CsvFile(Header):
    """A delimited text file read as a stream of records (Arrow's CSV reader, a block at a time).

    ``names`` is the header of a file that has none (GDELT's); ``quoted`` says whether
    double quotes enclose cells (GDELT's do not).
    """

    def __init__(
        self,
        name: str,
        stream: BinaryIO,
        *,
        delimiter: str = ",",
        names: list[str] | None = None,
        quoted: bool = True,
    ) -> None:
        self._stream = stream
        self._delimiter = delimiter
        self._quoted = quoted
        self._first = 1 if names is not None else 2  # the row of the first record
        super().__init__(name, names if names is not None else self._read_header(name))

    def _read_header(self, name: str) -> list[str]:
        line = self._stream.readline(MAX_ROW)
        if len(line) == MAX_ROW and not line.endswith(b"\n"):
            raise EvidenceError(f"{name}: row 1: longer than {MAX_ROW:,} bytes", file=name, row=1)
        text = line.decode("utf-8-sig")
        cells = next(csv.reader([text], delimiter=self._delimiter), [])
        return [cell.strip() for cell in cells]

    def _reader(
        self, names: list[str], wanted: list[str], invalid: Callable[[pa_csv.InvalidRow], str]
    ) -> pa_csv.CSVStreamingReader:
        """Arrow's reader of the rows: one block at a time, every cell read as text."""
        return pa_csv.open_csv(
            self._stream,
            read_options=pa_csv.ReadOptions(
                column_names=names, block_size=MAX_ROW, use_threads=False
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=self._delimiter,
                quote_char='"' if self._quoted else False,
                newlines_in_values=self._quoted,
                invalid_row_handler=invalid,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={c: pa.string() for c in wanted},
                include_columns=wanted,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    def batches(
        self, columns: Sequence[str] | None = None, bad: Bad | None = None
    ) -> Iterator[Batch]:
        """The data rows, Arrow's blocks joined in batches of about BATCH_ROWS rows."""
        wanted = self.wanted(columns)
        names = [c if c else f"_{i}" for i, c in enumerate(self.header)]
        names = [c if names.index(c) == i else f"_{i}" for i, c in enumerate(names)]
        skipped: set[int] = set()
        failed: list[EvidenceError] = []  # raised once Arrow stops (not from its callback)
        width = len(self.header)

        def invalid(found: pa_csv.InvalidRow) -> str:
            at = found.number + self._first - 1  # numbered, reading on one thread
            error = EvidenceError(
                f"{self.name}: row {at}: {found.actual_columns} fields, the header has {width}",
                file=self.name,
                row=at,
                field="",
            )
            if bad is None:
                failed.append(error)
                return "error"
            bad(error)
            skipped.add(at)
            return "skip"

        row = self._first  # the row of the next record

        def numbered(count: int) -> Sequence[int]:
            nonlocal row
            if not skipped or max(skipped) < row:
                rows: Sequence[int] = range(row, row + count)
            else:
                rows = []
                while len(rows) < count:
                    if row not in skipped:
                        rows.append(row)
                    row += 1
            row = rows[-1] + 1 if rows else row
            return rows

        empty = True
        blocks: list[pa.RecordBatch] = []
        reader = None
        try:
            reader = self._reader(names, wanted, invalid)
            for block in reader:
                blocks.append(block)
                if sum(b.num_rows for b in blocks) >= BATCH_ROWS or len(blocks) >= BATCH_BLOCKS:
                    cells = pa.concat_batches(blocks)
                    blocks, empty = [], False
                    yield Batch(self.name, cells, numbered(cells.num_rows))
        except pa.ArrowInvalid as exc:
            if failed:
                raise failed[0] from None
            problem = str(exc).removeprefix("CSV parse error: ")
            if problem == "Empty CSV file":
                raise EvidenceError(
                    f"{self.name}: no data rows after the header", file=self.name
                ) from None
            if "straddling" in problem or "block" in problem:
                problem = f"a row longer than {MAX_ROW:,} bytes"
            numbered(sum(b.num_rows for b in blocks))  # the rows read before it
            raise EvidenceError(
                f"{self.name}: row {row}: not valid CSV ({problem})", file=self.name, row=row
            ) from None
        finally:  # Arrow's read-ahead stops before the file under it is closed
            if reader is not None:
                reader.close()
        cells = pa.concat_batches(blocks) if blocks else None
        if cells is not None and cells.num_rows:
            yield Batch(self.name, cells, numbered(cells.num_rows))
        elif empty and not skipped:
            raise EvidenceError(f"{self.name}: no data rows after the header", file=self.name)
