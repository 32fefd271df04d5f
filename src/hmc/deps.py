"""What the API and the pages share: the database handle, the as_of date, echoed input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import WithJsonSchema

from hmc.domain.days import EARLIEST, LATEST, NoSuchDay, OutOfRange, parse_day
from hmc.storage import Session, get_engine, open_database, session_scope

# Read as text and parsed by hmc itself, so that the API, the pages and the command line
# accept the same dates (YYYY-MM-DD within EARLIEST..LATEST) and say the same when they don't.
DayText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
# The type of a date's problem, for the pages to say it in their language.
PROBLEMS: dict[type[ValueError], str] = {
    OutOfRange: "date_out_of_range",
    NoSuchDay: "date_not_valid",
}
SHOWN = 80  # the most characters of a user's input a message repeats


def shown(text: str) -> str:
    """``text`` cut to SHOWN characters, with "…" when cut.

    >>> shown("baghdad"), shown("x" * 100)[-3:], len(shown("x" * 100))
    ('baghdad', 'xx…', 80)
    """
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class Database:
    """The app database, read only: a route opens a session where it uses it, and closes it.

    A sync route runs in one worker thread from start to end, so the pooled connection is
    held only while that thread reads, never while a request waits for a thread.
    """

    def __init__(self) -> None:
        self._checked: object = None  # the engine whose schema was found up to date

    def check(self) -> None:
        """Refuse a database that is missing or behind (DatabaseError, 503), changing nothing."""
        engine = get_engine()
        if engine is not self._checked:
            self._checked = open_database(write=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for one request's reads, in the calling thread."""
        self.check()
        with session_scope(get_engine()) as session:
            yield session


async def _database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def read_day(text: str, *, field: str = "as_of") -> date:
    """``text`` as a query's date, or a 422 saying why (the kind of problem in its type)."""
    try:
        return parse_day(text)
    except ValueError as exc:
        problem = {
            "type": PROBLEMS.get(type(exc), "date_malformed"),
            "loc": ("query", field),
            "msg": str(exc),
            "input": text,
            "ctx": {"reason": getattr(exc, "reason", "")},
        }
        raise RequestValidationError([problem]) from None


async def _as_of(
    as_of: Annotated[
        DayText | None,
        Query(
            description="Only what was known on this date, YYYY-MM-DD from"
            f" {EARLIEST} to {LATEST} (default: the commission's replay date, else today).",
        ),
    ] = None,
) -> date | None:
    return None if as_of is None else read_day(as_of)


DatabaseDep = Annotated[Database, Depends(_database)]
AsOfDep = Annotated[date | None, Depends(_as_of)]
