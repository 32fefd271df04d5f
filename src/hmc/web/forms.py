"""Page forms: the fields they send, and one way to write what was typed.

A form the services refuse for what was typed (422) or for a change made meanwhile (409)
comes back with the page again, the message and everything typed in it, so nothing is
lost; any other refusal is the error page. A form that is applied goes on (303) to where
its result is seen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Form, Path
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hmc.assessment.schemas import INT32
from hmc.deps import Database
from hmc.errors import HmcError, InvalidInput
from hmc.schemas import KEPT
from hmc.storage import Session

TEXT = 100_000  # the most characters a text field may send (the services set the real limits)
Text = Annotated[str, Form(max_length=TEXT), KEPT]  # KEPT: a NUL is refused (422), never stored
Short = Annotated[str, Form(max_length=1_000), KEPT]
Lang = Annotated[str | None, Form(max_length=8)]
Id = Annotated[int, Path(ge=1, le=INT32)]  # bounded as in the API: larger is a 422, not a 500
SHOWN_AGAIN = (409, 422)  # refusals answered with the form again, as it was typed
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """Why a form was not applied, and what was typed in it (shown again, nothing lost)."""

    status: int
    lead: str  # the key of the label saying what happened
    message: str = ""  # the service's own words
    item: int | None = None  # the item whose form it was (None: the page's own)
    typed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, exc: HmcError, lead: str, item: int | None = None, typed: dict[str, str] | None = None
    ) -> Problem:
        """The problem of a form the services refused with ``exc``."""
        return cls(exc.status, lead, exc.message, item, typed or {})


def written(
    database: Database,
    write: Callable[[Session], T],
    *,
    then: Callable[[T], str],
    again: Callable[[HmcError], HTMLResponse],
) -> Response:
    """``write`` in one transaction; on (303) to ``then`` of what it gives, or, refused for
    what was typed or a change made meanwhile, the page ``again`` saying why."""
    try:
        with database.write() as session:
            done = write(session)
    except HmcError as exc:
        if exc.status not in SHOWN_AGAIN:
            raise
        return again(exc)
    return RedirectResponse(then(done), status_code=303)


def evidence_links(text: str) -> list[dict[str, str]]:
    """Evidence typed one a line as ``kind reference``; blank lines are skipped.

    >>> evidence_links("event 123\\n\\n url https://example.org/a b\\ndocument")
    [{'kind': 'event', 'ref': '123'}, {'kind': 'url', 'ref': 'https://example.org/a b'}, \
{'kind': 'document', 'ref': ''}]
    """
    links = []
    for line in text.splitlines():
        kind, _, ref = line.strip().partition(" ")
        if kind:
            links.append({"kind": kind.lower(), "ref": ref.strip()})
    return links


def whole(text: str, name: str) -> int | None:
    """``text`` as a whole number, None when blank, else InvalidInput naming ``name``.

    >>> whole(" 3 ", "level"), whole("", "level")
    (3, None)
    """
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise InvalidInput(f"{name} must be a whole number", field=name)
    return int(text)
