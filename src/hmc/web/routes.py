"""Server pages: the dashboard of a commission as of a date, and the static files it needs."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse

from hmc.deps import Database, DatabaseDep, Viewer, ViewerDep, read_day, signed_in
from hmc.errors import NotFound
from hmc.framework.service import list_commissions
from hmc.settings import get_settings
from hmc.timeline.service import stored
from hmc.timeline.status import status
from hmc.web import (
    auth,
    divergence,
    evidence,
    glance,
    meetings,
    review,
    rounds,
    timeline,
    trail,
    view,
)
from hmc.web.assets import FOREVER, REVALIDATE, assets
from hmc.web.render import frame, page

public = APIRouter(include_in_schema=False)  # needs no sign-in: the static files
router = APIRouter(include_in_schema=False)


# Every page answers HEAD as well as GET (link checkers and uptime probes send HEAD).
@public.api_route("/static/{name}", methods=["GET", "HEAD"])
def static_file(name: str, request: Request) -> Response:
    """A static file: compressed when the client accepts it, cached for a year under its
    hashed name, revalidated under its plain one."""
    found = assets.find(name)
    if found is None:
        raise NotFound(f"no static file {name}")
    asset, hashed = found
    headers = {
        "Cache-Control": FOREVER if hashed else REVALIDATE,
        "ETag": f'"{asset.digest[:32]}"',
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)


async def _as_of(as_of: str | None = None) -> date | None:
    """The page's date, as the API reads it; blank is the commission's own date."""
    text = (as_of or "").strip()
    return read_day(text) if text else None


PageDay = Annotated[date | None, Depends(_as_of)]


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    database: DatabaseDep, viewer: ViewerDep, as_of: PageDay, lang: str | None = None
) -> HTMLResponse:
    """The dashboard of the member's commission (an administrator's: the default one)."""
    commission_id = viewer.member.commission_id or get_settings().default_commission
    return _dashboard(database, viewer, commission_id, as_of, lang)


@router.api_route(
    "/commissions/{commission_id}", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def commission_page(
    commission_id: str,
    database: DatabaseDep,
    viewer: ViewerDep,
    as_of: PageDay,
    lang: str | None = None,
) -> HTMLResponse:
    """The dashboard of one commission."""
    return _dashboard(database, viewer, commission_id, as_of, lang)


def _dashboard(
    database: Database, viewer: Viewer, commission_id: str, as_of: date | None, lang: str | None
) -> HTMLResponse:
    """A commission's dashboard as known on ``as_of`` (errors are the error pages' to say)."""
    with database.read() as session:
        result = status(session, commission_id=commission_id, as_of=as_of)
        run = stored(session, commission_id=commission_id, as_of=result.as_of)
        commissions = list_commissions(session)
    base = frame(lang, as_of.isoformat() if as_of else None, commissions, viewer)
    return page(
        "dashboard.html",
        200,
        base,
        current=commission_id,
        switch=base["links"].commission(commission_id, lang=base["other_lang"]),
        status=result,
        commission=result.commission,
        board=view.dashboard(result),
        glance=glance.view(result, run, viewer, lang),
        as_of=result.as_of,
    )


def install(app: FastAPI) -> None:
    """Add the pages and the static files to ``app`` (after the API, so /api wins).

    Every page but sign-in needs a signed-in member.
    """
    app.include_router(public)
    app.include_router(auth.public)
    signed = (rounds.router, divergence.router, timeline.router, trail.router, evidence.router,
              meetings.router, review.router)  # fmt: skip
    for pages in (router, auth.router, *signed):
        app.include_router(pages, dependencies=[Depends(signed_in)])
