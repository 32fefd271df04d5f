"""What the API and the pages share: the database, who is signed in, the as_of date, echoed input.

Who is signed in comes from a personal API token (``Authorization: Bearer …``) or from the
session cookie the sign-in page sets. A change sent with the cookie must also carry the
session's CSRF token (the ``csrf`` field of a page's form, or an ``X-CSRF-Token`` header),
so another site cannot make a signed-in browser write.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import WithJsonSchema

from hmc.accounts import MemberInfo, authenticate, authenticate_token
from hmc.actor import Actor
from hmc.audit.service import lock_chain
from hmc.domain.days import EARLIEST, LATEST, NoSuchDay, OutOfRange, parse_day
from hmc.errors import Forbidden, NotSignedIn
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
COOKIE = "hmc_session"  # the session cookie's name
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def shown(text: str) -> str:
    """``text`` cut to SHOWN characters, with "…" when cut.

    >>> shown("baghdad"), shown("x" * 100)[-3:], len(shown("x" * 100))
    ('baghdad', 'xx…', 80)
    """
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


class Database:
    """The app database: a route opens a session to read, or a transaction to write, and closes it.

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

    @contextmanager
    def write(self, *, lock: bool = True) -> Iterator[Session]:
        """One request's write: a transaction holding the audit chain until it commits.

        ``lock=False`` for a service that takes the chain's lock itself, after slow work.
        """
        self.check()
        with session_scope(get_engine()) as session:
            if lock:
                lock_chain(session)
            yield session


@dataclass(frozen=True)
class Viewer:
    """The signed-in member of a request; ``session`` and ``csrf`` are None with an API token."""

    member: MemberInfo
    session: str | None
    csrf: str | None

    @property
    def actor(self) -> Actor:
        return self.member.actor


def viewer_of(database: Database, authorization: str | None, cookie: str | None) -> Viewer:
    """Who sends a request with these headers; NotSignedIn when no one valid."""
    with database.read() as session:
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            member = authenticate_token(session, token=token.strip())
            if scheme.lower() != "bearer" or member is None:
                raise NotSignedIn("the API token is not valid (unknown, revoked or expired)")
            return Viewer(member, None, None)
        found = authenticate(session, token=cookie) if cookie else None
    if found is None or cookie is None:
        raise NotSignedIn("sign in first (or send a personal API token)")
    return Viewer(found.member, cookie, found.csrf)


async def _viewer(request: Request) -> Viewer:
    database: Database = request.app.state.database
    authorization, cookie = request.headers.get("authorization"), request.cookies.get(COOKIE)
    viewer = await to_thread.run_sync(viewer_of, database, authorization, cookie)
    if request.method not in SAFE and viewer.csrf is not None:
        given: object = request.headers.get("x-csrf-token")
        if given is None and "form" in request.headers.get("content-type", ""):
            given = (await request.form()).get("csrf")
        if not isinstance(given, str) or not hmac.compare_digest(given, viewer.csrf):
            raise Forbidden(
                "this change did not come from a page of this session (its CSRF token is"
                " missing or wrong); reload the page and try again",
                reason="csrf",
            )
    return viewer


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
ViewerDep = Annotated[Viewer, Depends(_viewer)]
signed_in = _viewer  # a router's dependency: every route under it needs a signed-in member
AsOfDep = Annotated[date | None, Depends(_as_of)]
