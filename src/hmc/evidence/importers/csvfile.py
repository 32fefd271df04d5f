"""Reading a CSV file (plain or ``.csv.gz``) whose every error names the file, row and field.

Rows are numbered as lines of the file: the header is row 1, the first data row is row 2.
A file is read whole, so it may hold at most :data:`MAX_BYTES` (after decompression), and
importing it must fit in the memory available (:func:`read_bytes`). It must be UTF-8 text
(a UTF-8 byte order mark is fine), its dates within the dates hmc works with
(:mod:`hmc.domain.days`) and its numbers at most :data:`MAX_NUMBER`, every date and number
written with the digits 0-9 (``int()`` and ``float()`` would read "٣" or "３" as 3, so
other digits are refused rather than read by some formats and not others).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

from hmc.domain.days import day_problem, parse_day
from hmc.errors import EvidenceError

MAX_BYTES = 1 << 30
"""The most a file may hold, decompressed (1 GiB): it is read whole, then parsed whole."""
FALLBACK_MEMORY = 4 << 30
"""The memory an import may use where the system does not say how much is available."""
MEMINFO = Path("/proc/meminfo")
OWN_CGROUP = Path("/proc/self/cgroup")
CGROUPS = Path("/sys/fs/cgroup")
MAX_DIGITS = 15
"""The most digits a number may have before any decimal point."""
MAX_NUMBER = 10**MAX_DIGITS - 1
"""The largest number a file may hold: whole numbers up to it are exact as floats (values),
and sums of a billion of them stay finite."""
_CHUNK = 1 << 20  # decompressed a mebibyte at a time, so that the size is checked as it grows
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")
_WHOLE = re.compile(r"[0-9]+")
_MEM_AVAILABLE = re.compile(r"^MemAvailable:\s+([0-9]+) kB$", re.MULTILINE)
_SHOWN = 40  # a longer cell is cut in messages


def available_memory() -> int:
    """Bytes of memory an import may use: Linux's MemAvailable (at most the cgroup's limit).

    Where /proc/meminfo does not say (outside Linux), :data:`FALLBACK_MEMORY`.
    """
    try:
        found = _MEM_AVAILABLE.search(MEMINFO.read_text())
    except OSError:
        found = None
    available = int(found.group(1)) * 1024 if found else FALLBACK_MEMORY
    return min(available, _cgroup_limit() or available)


def _cgroup_limit() -> int | None:
    """The memory limit of this process's cgroup (v2, e.g. a container's), or None."""
    try:
        lines = OWN_CGROUP.read_text().splitlines()
        group = next(line[3:] for line in lines if line.startswith("0::"))
        limit = (CGROUPS / group.lstrip("/") / "memory.max").read_text().strip()
        return int(limit)
    except (OSError, StopIteration, ValueError):  # no cgroup v2, or "max": no limit
        return None


def read_bytes(path: Path, memory_factor: int) -> bytes:
    """The content of ``path``, decompressed if it is gzip, if importing it fits in memory.

    An import takes about ``memory_factor`` bytes of memory per byte of the (decompressed)
    file: a file that would need more than :func:`available_memory`, or that holds more
    than MAX_BYTES, is refused before it is read whole.
    """
    room = available_memory()
    try:
        if path.is_file():
            _check_size(path.name, path.stat().st_size, memory_factor, room, gzip=False)
        data = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{path}: no such file", file=str(path)) from None
    except IsADirectoryError:
        raise EvidenceError(f"{path}: is a directory, not a file", file=str(path)) from None
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot be read ({exc.strerror})", file=str(path)) from exc
    if data[:2] != _GZIP_MAGIC:
        _check_size(path.name, len(data), memory_factor, room, gzip=False)  # e.g. a pipe
        return data
    parts: list[bytes] = []
    size = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while part := stream.read(_CHUNK):
                size += len(part)  # stops before inflating the rest (a "zip bomb")
                _check_size(path.name, size, memory_factor, room, gzip=True)
                parts.append(part)
    except (OSError, EOFError, zlib.error) as exc:
        raise EvidenceError(
            f"{path.name}: not a readable gzip file ({exc})", file=path.name
        ) from exc
    return b"".join(parts)


def _check_size(name: str, size: int, memory_factor: int, room: int, *, gzip: bool) -> None:
    """Refuse ``size`` bytes (decompressed so far, if ``gzip``) beyond MAX_BYTES or ``room``."""
    if size > MAX_BYTES:
        what = "decompresses to" if gzip else "holds"
        raise EvidenceError(
            f"{name}: {what} more than {MAX_BYTES:,} bytes, the most hmc imports from one file "
            "(split it into smaller files)",
            file=name,
        )
    needed = size * memory_factor
    if needed > room:
        what, about = ("decompresses to at least", "at least") if gzip else ("holds", "about")
        raise EvidenceError(
            f"{name}: {what} {size:,} bytes, which would take {about} {_amount(needed)} of "
            f"memory to import ({memory_factor} bytes per byte of CSV in this format), and "
            f"{_amount(room)} is available (split it into smaller files, or free memory)",
            file=name,
        )


def _amount(size: int) -> str:
    """A number of bytes for people: 1.5 GiB, 12.0 MiB."""
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GiB"
    return f"{size / (1 << 20):.1f} MiB"


class Record:
    """One data row; its typed getters raise an EvidenceError naming the file, row and field."""

    __slots__ = ("_columns", "_values", "file", "row")

    def __init__(self, file: str, row: int, columns: dict[str, int], values: list[str]) -> None:
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

    def parse_optional_int(self, field: str) -> int | None:
        """The cell as a whole number, or None when empty."""
        return self.parse_int(field) if self.text(field) else None


class CsvFile:
    """A CSV file read whole: its name, header and data rows."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        if data.startswith(_UTF16_BOMS):
            raise EvidenceError(
                f"{name}: UTF-16 text, not UTF-8 (save it as CSV UTF-8, e.g. in Excel "
                '"CSV UTF-8 (Comma delimited)")',
                file=name,
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise EvidenceError(
                f"{name}: not UTF-8 text (byte {exc.start} cannot be read)", file=name
            ) from exc
        if (nul := text.find("\0")) >= 0:  # PostgreSQL text holds none (SQLite would store it)
            row = text.count("\n", 0, nul) + 1
            raise EvidenceError(
                f"{name}: row {row}: not valid CSV (a NUL character)", file=name, row=row
            )
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            self.header = [cell.strip() for cell in next(reader, [])]
            self._rows = [(reader.line_num, row) for row in reader if row]
        except csv.Error as exc:
            raise EvidenceError(
                f"{name}: row {reader.line_num}: not valid CSV ({exc})",
                file=name,
                row=reader.line_num,
            ) from exc
        if not self.header:
            raise EvidenceError(f"{name}: the file is empty (expected a header row)", file=name)
        self._columns: dict[str, int] = {}
        for i, column in enumerate(self.header):
            first = self._columns.setdefault(column, i)
            if first != i and column:  # unnamed columns are never read: only named ones clash
                raise EvidenceError(
                    f'{name}: row 1: the column "{column}" appears twice in the header '
                    f"(columns {first + 1} and {i + 1})",
                    file=name,
                    row=1,
                    field=column,
                )

    def __len__(self) -> int:
        return len(self._rows)

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

    def records(self, required: Sequence[str] = ()) -> Iterator[Record]:
        """The data rows, after checking the header has every ``required`` column."""
        self.require(*required)
        if not self._rows:
            raise EvidenceError(f"{self.name}: no data rows after the header", file=self.name)
        width = len(self.header)
        for row, values in self._rows:
            if len(values) != width:
                raise EvidenceError(
                    f"{self.name}: row {row}: {len(values)} fields, the header has {width}",
                    file=self.name,
                    row=row,
                    field="",
                )
            yield Record(self.name, row, self._columns, values)
