"""Dependencies shared by the API and the web pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import WithJsonSchema
from sqlalchemy.orm import Session

from hmc.domain.days import EARLIEST, LATEST, parse_day
from hmc.storage import get_engine, session_scope

# Read as text and parsed by hmc itself, so that the API, the pages and the command line
# accept the same dates (YYYY-MM-DD within EARLIEST..LATEST) and say the same when they don't.
DayText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


def _session() -> Iterator[Session]:
    with session_scope(get_engine()) as session:
        yield session


def _as_of(
    as_of: Annotated[
        DayText | None,
        Query(
            description="Only what was known on this date, YYYY-MM-DD from"
            f" {EARLIEST} to {LATEST} (default: the commission's replay date, else today).",
        ),
    ] = None,
) -> date | None:
    if as_of is None:
        return None
    try:
        return parse_day(as_of)
    except ValueError as exc:
        problem = {"type": "value_error", "loc": ("query", "as_of"), "msg": str(exc)}
        raise RequestValidationError([problem]) from None


SessionDep = Annotated[Session, Depends(_session)]
AsOfDep = Annotated[date | None, Depends(_as_of)]
