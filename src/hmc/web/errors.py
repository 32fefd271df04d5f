"""The pages' one translation of errors: an HTML page in the page's language, never a trace."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from hmc.deps import COOKIE, Database, read_day, shown, viewer_of
from hmc.errors import DatabaseError, HmcError, NotFound, NotSignedIn
from hmc.framework.records import CommissionInfo
from hmc.framework.service import list_commissions
from hmc.web import i18n
from hmc.web.render import frame, page

# The kind of page for each problem with a date (the type read_day gives it).
DATE_KINDS = {"date_out_of_range": "far_date", "date_not_valid": "no_such_date"}
HTTP_KINDS = {404: "no_page", 405: "wrong_method"}
EXPECTED = (HmcError, HTTPException, RequestValidationError)  # what a request can cause


def _loaded(database: Database, request: Request) -> list[CommissionInfo]:
    authorization, cookie = request.headers.get("authorization"), request.cookies.get(COOKIE)
    viewer_of(database, authorization, cookie)  # NotSignedIn: the header names none
    with database.read() as session:
        return list_commissions(session)


async def _commissions(request: Request, exc: Exception) -> list[CommissionInfo]:
    """The commissions for the page's header: none when the database may be what failed, and
    none for a visitor who has not signed in (what the database holds is for members only)."""
    if isinstance(exc, DatabaseError | NotSignedIn) or not isinstance(exc, EXPECTED):
        return []
    try:
        return await run_in_threadpool(_loaded, request.app.state.database, request)
    except HmcError:
        return []


def _kind(exc: Exception) -> tuple[int, str, dict[str, Any]]:
    """The status, the kind of error page and what it shows for ``exc``."""
    if isinstance(exc, RequestValidationError):
        problem = exc.errors()[0]
        if problem["loc"] == ("query", "as_of"):
            kind = DATE_KINDS.get(problem["type"], "bad_date")
            reason = problem.get("ctx", {}).get("reason", "")
            return 422, kind, {"value": shown(str(problem["input"])), "reason": reason}
        return 422, "invalid", {"message": shown(str(problem["msg"]))}
    if isinstance(exc, NotFound) and "commission" in exc.details:
        return 404, "no_commission", {"value": shown(str(exc.details["commission"]))}
    if isinstance(exc, DatabaseError):
        return exc.status, "unavailable", {"message": exc.message}
    if isinstance(exc, HmcError):
        return exc.status, "problem", {"message": exc.message}
    if isinstance(exc, HTTPException):
        return exc.status_code, HTTP_KINDS.get(exc.status_code, "problem"), {"message": exc.detail}
    return 500, "internal", {}


def _other_language(request: Request, lang: str) -> str:
    """This address in ``lang``."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if lang != i18n.DEFAULT:
        params.append(("lang", lang))
    path = quote(request.url.path)
    return f"{path}?{urlencode(params)}" if params else path


def _to_sign_in(request: Request) -> RedirectResponse:
    """On to the sign-in page, which comes back to this address once signed in."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": here}
    if request.query_params.get("lang"):
        query["lang"] = request.query_params["lang"]
    return RedirectResponse(f"/sign-in?{urlencode(query)}", status_code=303)


async def response(request: Request, exc: Exception) -> Response:
    """The error page for ``exc`` in the language the page was asked in.

    A page asked for without signing in sends the browser to the sign-in page instead.
    """
    if isinstance(exc, NotSignedIn) and request.method in ("GET", "HEAD"):
        return _to_sign_in(request)
    status, kind, shows = _kind(exc)
    text = (request.query_params.get("as_of") or "").strip()
    try:
        as_of = read_day(text).isoformat() if text else None
    except RequestValidationError:
        as_of = None  # a bad date is not carried into the page's links
    base = frame(request.query_params.get("lang"), as_of, await _commissions(request, exc))
    return page(
        "error.html",
        status,
        base,
        headers=exc.headers if isinstance(exc, HTTPException) else None,
        kind=kind,
        current=request.path_params.get("commission_id"),
        switch=_other_language(request, base["other_lang"]),
        **shows,
    )
