"""Reading a spreadsheet (``.xlsx``) as a stream of records, as the CSV files are read.

The sheet is read row by row (openpyxl's read-only mode), never whole. Its first row is the
header; dates become ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM`` with a time), whole numbers lose
their ``.0``, empty cells are empty text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import BinaryIO

import pyarrow as pa
from openpyxl import load_workbook

from hmc.errors import EvidenceError
from hmc.evidence.importers.csvfile import BATCH_ROWS, Bad, Batch, Header


def cell_text(value: object) -> str:
    """A cell's value as text.

    >>> cell_text(datetime(2024, 1, 2)), cell_text(datetime(2024, 1, 2, 9, 30)), cell_text(3.0)
    ('2024-01-02', '2024-01-02 09:30', '3')
    >>> cell_text(None), cell_text(2.5), cell_text(" Anbar ")
    ('', '2.5', ' Anbar ')
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ExcelFile(Header):
    """One sheet of a workbook (the first, or the one named ``sheet``)."""

    def __init__(self, name: str, stream: BinaryIO, *, sheet: str | None = None) -> None:
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises what zipfile and its XML parser raise
            raise EvidenceError(
                f"{name}: not a readable .xlsx workbook ({exc})", file=name
            ) from exc
        if sheet is not None and sheet not in book.sheetnames:
            raise EvidenceError(
                f'{name}: no sheet "{sheet}" (the workbook has: {", ".join(book.sheetnames)})',
                file=name,
            )
        self._rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
        first = next(self._rows, ())
        super().__init__(name, [cell_text(v).strip() for v in first])

    def batches(
        self, columns: Sequence[str] | None = None, bad: Bad | None = None
    ) -> Iterator[Batch]:
        """The data rows (empty rows skipped) in batches of BATCH_ROWS rows."""
        wanted = self.wanted(columns)
        where = [self.header.index(c) for c in wanted]
        rows: list[int] = []
        cells: list[list[str]] = []
        empty = True
        for row, values in enumerate(self._rows, start=2):
            if not any(v is not None for v in values):
                continue
            rows.append(row)
            cells.append([cell_text(values[i]) if i < len(values) else "" for i in where])
            if len(rows) == BATCH_ROWS:
                yield self._batch(wanted, rows, cells)
                rows, cells, empty = [], [], False
        if rows:
            yield self._batch(wanted, rows, cells)
        elif empty:
            raise EvidenceError(f"{self.name}: no data rows after the header", file=self.name)

    def _batch(self, wanted: list[str], rows: list[int], cells: list[list[str]]) -> Batch:
        columns = [pa.array(column, pa.string()) for column in zip(*cells, strict=True)]
        return Batch(self.name, pa.RecordBatch.from_arrays(columns, names=wanted), rows)
