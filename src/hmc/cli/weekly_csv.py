"""Reading a weekly series a user brings (``date,value``), with errors naming row and field."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING

from hmc.domain.days import parse_day
from hmc.errors import InvalidInput

if TYPE_CHECKING:  # the services load with the command that uses them
    from hmc.forecast.methods import Array

MAX_BYTES = 50_000_000


def read_weekly(path: Path) -> Array:
    """The values of a CSV with columns ``date,value``, one row a week, oldest first.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ...     _ = f.write("date,value\\n2024-01-01,3\\n2024-01-11,4\\n")
    >>> read_weekly(Path(f.name))
    Traceback (most recent call last):
      ...
    hmc.errors.InvalidInput: ...csv, row 3, field date: 2024-01-11 is 10 days after the row ...
    """
    import numpy as np

    from hmc.forecast.backtest import HORIZONS, MIN_HISTORY

    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
    values: list[float] = []
    previous = None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"date", "value"} <= set(reader.fieldnames):
            found = ", ".join(reader.fieldnames or []) or "none"
            raise InvalidInput(f"{path}: needs the columns date,value (found: {found})")
        for row_number, row in enumerate(reader, start=2):

            def bad(field: str, what: str, row_number: int = row_number) -> InvalidInput:
                return InvalidInput(f"{path}, row {row_number}, field {field}: {what}")

            try:
                day = parse_day((row["date"] or "").strip())
            except ValueError as exc:
                raise bad("date", str(exc)) from None
            if previous is not None and not 5 <= (day - previous).days <= 9:
                gap = (day - previous).days  # 8–9: the last Stata week of a year
                raise bad("date", f"{day} is {gap} days after the row before"
                          " (weekly rows are about 7 days apart)")  # fmt: skip
            try:
                value = float((row["value"] or "").strip())
            except ValueError:
                raise bad("value", f'"{row["value"]}" is not a number') from None
            if not math.isfinite(value) or value < 0:
                raise bad("value", f"{value} is not a count (a number, zero or more)")
            values.append(value)
            previous = day
    needed = MIN_HISTORY + HORIZONS
    if len(values) < needed:
        raise InvalidInput(f"{path}: {len(values)} weeks; a backtest needs at least {needed}")
    return np.array(values, dtype=float)
