"""Telling a file's format from its first rows, or saying why no format fits.

Each format is tried in turn on the file's first row (and its second, where the header does
not tell, as for the two geocausal files): the first that fits is the file's format. When
none does, the error names each format tried and why it does not fit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from hmc.errors import EvidenceError
from hmc.evidence.importers.base import Format
from hmc.evidence.importers.csvfile import MAX_ROW, open_binary

_SHOWN = 3  # missing columns named in a message


def detect(path: Path, formats: Iterable[Format]) -> Format:
    """The format of the file at ``path``; an EvidenceError naming each tried otherwise."""
    lines = _first_lines(path)
    why: list[str] = []
    for fmt in formats:
        problem = _problem(fmt, lines)
        if problem is None:
            return fmt
        why.append(f"{fmt.name} ({problem})")
    raise EvidenceError(
        f"{path.name}: not in a format hmc knows (give --format, or --mapping for another "
        f"file); tried: {'; '.join(why)}",
        file=path.name,
    )


def _first_lines(path: Path) -> list[str]:
    """The first two lines of the file, as text ("" where there is none)."""
    spreadsheet = path.suffix.lower() in (".xlsx", ".xlsm")
    with open_binary(path, unpack=not spreadsheet) as stream:
        if spreadsheet:
            return ["", ""]  # a spreadsheet is read through a mapping only
        raw = [stream.readline(MAX_ROW), stream.readline(MAX_ROW)]
    return [line.decode("utf-8-sig", errors="replace").rstrip("\r\n") for line in raw]


def _problem(fmt: Format, lines: list[str]) -> str | None:
    """Why a file starting with ``lines`` is not in ``fmt`` (None: it is)."""
    if fmt.name == "gdelt":
        width = len(lines[0].split("\t"))
        if width != len(fmt.header):
            return f"a row of {width} tab-separated fields, not {len(fmt.header)}"
        return None
    header = [cell.strip() for cell in next(csv.reader(io.StringIO(lines[0])), [])]
    missing = [column for column in fmt.header if column not in header]
    if missing:
        shown = ", ".join(f'"{m}"' for m in missing[:_SHOWN])
        more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
        return f"no column {shown}{more}"
    if fmt.fits is not None:
        first = next(csv.reader(io.StringIO(lines[1])), [])
        return fmt.fits(dict(zip(header, first, strict=False)))
    return None
