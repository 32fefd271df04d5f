"""What every page is drawn with: the templates, the frame (language, links, who is signed in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from hmc.accounts import list_members
from hmc.deps import Viewer
from hmc.errors import NotFound
from hmc.framework.records import CommissionInfo
from hmc.storage import Session
from hmc.web import i18n, view
from hmc.web.assets import assets


@pass_context
def _t(context: Context, key: str) -> str:
    """The label ``key`` in the page's language (the Jinja global ``t``)."""
    return i18n.translate(context.get("lang", i18n.DEFAULT), key)


@pass_context
def _tn(context: Context, key: str, n: int) -> str:
    """The label ``key`` in the page's language, in its form for the number ``n``."""
    return i18n.counted(context.get("lang", i18n.DEFAULT), key, n)


@pass_context
def _configured(context: Context, item: object, name: str) -> str:
    """A configured text of ``item`` in the page's language (the Jinja filter ``tr``)."""
    return i18n.configured(item, name, context.get("lang", i18n.DEFAULT))


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
    env.filters["tr"] = _configured
    env.filters["num"] = view.number
    env.filters["threshold"] = view.threshold
    env.filters["chart"] = view.trend_spec
    env.globals["static"] = assets.url
    return env


templates = _environment()


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


def frame(
    lang: str | None,
    as_of: str | None,
    commissions: list[CommissionInfo],
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """What every page's frame shows: language, direction, links, the commissions to switch
    to, and who is signed in (with the CSRF token their forms carry)."""
    chosen = i18n.language(lang)
    return {
        "viewer": viewer,
        "csrf": viewer.csrf if viewer else None,
        "lang": chosen,
        "dir": i18n.direction(chosen),
        "commissions": commissions,
        "links": Links(as_of, chosen),
        "other_lang": "ar" if chosen == i18n.DEFAULT else i18n.DEFAULT,
    }


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


def here(path: str, lang: str | None, anchor: str = "") -> str:
    """``path`` in the language ``lang`` (English needs no query), with an ``#anchor``.

    >>> here("/rounds/5", "ar", "item-3"), here("/rounds/5", "en"), here("/x", "<bad>")
    ('/rounds/5?lang=ar#item-3', '/rounds/5', '/x')
    """
    chosen = i18n.language(lang)
    query = "" if chosen == i18n.DEFAULT else f"?lang={chosen}"
    return f"{path}{query}{'#' + anchor if anchor else ''}"


def member_names(session: Session) -> dict[str, str]:
    """Each member's username by how they are recorded beside a write (``member:ID``)."""
    return {str(m.actor): m.username for m in list_members(session)}


def commission_of(commissions: list[CommissionInfo], commission_id: str) -> CommissionInfo:
    """The commission ``commission_id`` among those loaded, or NotFound."""
    for commission in commissions:
        if commission.id == commission_id:
            return commission
    raise NotFound(f"no commission {commission_id}", commission=commission_id)
