"""Server pages: the dashboard of a commission as of a date, and the static files it needs."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Annotated

import vl_convert
from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from hmc.deps import Database, DatabaseDep, Viewer, ViewerDep, read_day, signed_in
from hmc.framework.service import list_commissions
from hmc.settings import get_settings
from hmc.timeline.status import status
from hmc.web import auth, divergence, evidence, meetings, review, rounds, timeline, trail, view
from hmc.web.render import frame, page

STATIC = Path(__file__).parent / "static"
EMBED = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"

public = APIRouter(include_in_schema=False)  # needs no sign-in: the charts' script
router = APIRouter(include_in_schema=False)


class _Bundle:
    """The Vega, Vega-Lite and vega-embed bundle, made once per process on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._body: bytes | None = None

    def get(self) -> bytes:
        """The bundle's bytes (about 0.9 MB, made in about 2 s the first time)."""
        with self._lock:
            if self._body is None:
                self._body = str(vl_convert.javascript_bundle(EMBED)).encode()
            return self._body


vega_bundle = _Bundle()


# Every page answers HEAD as well as GET (link checkers and uptime probes send HEAD).
@public.api_route("/static/vega.js", methods=["GET", "HEAD"])
def vega_js() -> Response:
    """Vega, Vega-Lite and vega-embed as one self-contained JavaScript module."""
    return Response(
        vega_bundle.get(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )


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
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
