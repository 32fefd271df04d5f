"""Server pages: the dashboard of a commission as of a date, and the static files it needs."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import vl_convert
from fastapi import APIRouter, Depends, FastAPI, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from hmc.deps import Database, DatabaseDep, read_day
from hmc.framework.records import CommissionInfo
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


@pass_context
def _tn(context: Context, key: str, n: int) -> str:
    """The label ``key`` in the page's language, in its form for the number ``n``."""
    return i18n.counted(context.get("lang", i18n.DEFAULT), key, n)


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
    env.globals["tn"] = _tn
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


async def _as_of(as_of: str | None = None) -> date | None:
    """The page's date, as the API reads it; blank is the commission's own date."""
    text = (as_of or "").strip()
    return read_day(text) if text else None


PageDay = Annotated[date | None, Depends(_as_of)]


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(database: DatabaseDep, as_of: PageDay, lang: str | None = None) -> HTMLResponse:
    """The dashboard of the default commission."""
    return _dashboard(database, get_settings().default_commission, as_of, lang)


@router.api_route(
    "/commissions/{commission_id}", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def commission_page(
    commission_id: str, database: DatabaseDep, as_of: PageDay, lang: str | None = None
) -> HTMLResponse:
    """The dashboard of one commission."""
    return _dashboard(database, commission_id, as_of, lang)


class Links:
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
        return self._with_query(self.path(commission_id), lang or self.lang)

    def home(self) -> str:
        """The dashboard of the default commission."""
        return self._with_query("/", self.lang)

    def _with_query(self, path: str, lang: str) -> str:
        params = {"as_of": self.as_of, "lang": None if lang == i18n.DEFAULT else lang}
        query = urlencode({k: v for k, v in params.items() if v})
        return f"{path}?{query}" if query else path


def frame(lang: str | None, as_of: str | None, commissions: list[CommissionInfo]) -> dict[str, Any]:
    """What every page's frame shows: language, direction, links, the commissions to switch to."""
    chosen = i18n.language(lang)
    return {
        "lang": chosen,
        "dir": i18n.direction(chosen),
        "commissions": commissions,
        "links": Links(as_of, chosen),
        "other_lang": "ar" if chosen == i18n.DEFAULT else i18n.DEFAULT,
    }


def _dashboard(
    database: Database, commission_id: str, as_of: date | None, lang: str | None
) -> HTMLResponse:
    """A commission's dashboard as known on ``as_of`` (errors are the error pages' to say)."""
    with database.read() as session:
        result = status(session, commission_id=commission_id, as_of=as_of)
        commissions = list_commissions(session)
    base = frame(lang, as_of.isoformat() if as_of else None, commissions)
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


def page(
    name: str,
    code: int,
    base: dict[str, Any],
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render template ``name`` as an HTML response with status ``code``."""
    html = templates.get_template(name).render(**base, **context)
    return HTMLResponse(html, status_code=code, headers=headers)


def install(app: FastAPI) -> None:
    """Add the pages and the static files to ``app`` (after the API, so /api wins)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
