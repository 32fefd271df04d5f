"""Server pages: the dashboard of a commission as of a date, and the static files it needs."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import vl_convert
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from sqlalchemy.orm import Session

from hmc.api.deps import SessionDep
from hmc.domain.days import OutOfRange, parse_day
from hmc.errors import NotFound
from hmc.framework.service import list_commissions
from hmc.settings import get_settings
from hmc.timeline.status import status
from hmc.web import i18n, view

STATIC = Path(__file__).parent / "static"
EMBED = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"

router = APIRouter(include_in_schema=False)


@pass_context
def _t(context: Context, key: str) -> str:
    """The label ``key`` in the page's language (the Jinja global ``t``)."""
    return i18n.translate(context.get("lang", i18n.DEFAULT), key)


def _environment() -> Environment:
    """The Jinja environment of the pages: autoescaped, strict about undefined names."""
    env = Environment(
        loader=PackageLoader("hmc.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["t"] = _t
    env.filters["num"] = view.number
    env.filters["threshold"] = view.threshold
    env.filters["chart"] = view.trend_spec
    return env


templates = _environment()


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
@router.api_route("/static/vega.js", methods=["GET", "HEAD"])
def vega_js() -> Response:
    """Vega, Vega-Lite and vega-embed as one self-contained JavaScript module."""
    return Response(
        vega_bundle.get(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(session: SessionDep, as_of: str | None = None, lang: str | None = None) -> HTMLResponse:
    """The dashboard of the default commission."""
    return _dashboard(session, get_settings().default_commission, as_of, lang)


@router.api_route(
    "/commissions/{commission_id}", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def commission_page(
    commission_id: str, session: SessionDep, as_of: str | None = None, lang: str | None = None
) -> HTMLResponse:
    """The dashboard of one commission."""
    return _dashboard(session, commission_id, as_of, lang)


class _Links:
    """Builds links that keep the page's chosen date and language."""

    def __init__(self, as_of: str | None, lang: str) -> None:
        self.as_of = as_of
        self.lang = lang

    @staticmethod
    def path(commission_id: str) -> str:
        """The path of a commission's dashboard, without a query."""
        return f"/commissions/{quote(commission_id, safe='')}"

    def commission(self, commission_id: str, *, lang: str | None = None) -> str:
        """The dashboard of ``commission_id`` (in ``lang``, default the current language)."""
        params = {"as_of": self.as_of, "lang": lang or self.lang}
        if params["lang"] == i18n.DEFAULT:
            del params["lang"]
        query = urlencode({k: v for k, v in params.items() if v})
        path = self.path(commission_id)
        return f"{path}?{query}" if query else path


def _dashboard(
    session: Session, commission_id: str, as_of: str | None, lang: str | None
) -> HTMLResponse:
    """A dashboard page, or a friendly 422 (bad or far date) or 404 (unknown commission) page."""
    chosen = i18n.language(lang)
    commissions = list_commissions(session)
    text = (as_of or "").strip()
    links = _Links(text or None, chosen)
    base: dict[str, Any] = {
        "lang": chosen,
        "dir": i18n.direction(chosen),
        "commissions": commissions,
        "current": commission_id,
        "links": links,
        "other_lang": "ar" if chosen == i18n.DEFAULT else i18n.DEFAULT,
    }
    try:
        # the same dates as the API and the command line (YYYY-MM-DD, within hmc's range)
        day = parse_day(text) if text else None  # None: the commission's own date
    except ValueError as exc:  # a real date outside the range is said apart from a non-date
        links.as_of = None
        kind = "far_date" if isinstance(exc, OutOfRange) else "bad_date"
        return _page("error.html", 422, base, kind=kind, value=text)
    try:
        result = status(session, commission_id=commission_id, as_of=day)
    except NotFound:
        return _page("error.html", 404, base, kind="no_commission", value=commission_id)
    return _page(
        "dashboard.html",
        200,
        base,
        status=result,
        commission=result.commission,
        board=view.dashboard(result),
        as_of=result.as_of,
    )


def _page(name: str, code: int, base: dict[str, Any], **context: Any) -> HTMLResponse:
    """Render template ``name`` as an HTML response with status ``code``."""
    html = templates.get_template(name).render(**base, **context)
    return HTMLResponse(html, status_code=code)


def install(app: FastAPI) -> None:
    """Add the pages and the static files to ``app`` (after the API, so /api wins)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
