"""The message catalogue of the pages, the command line and the joint report.

One gettext catalogue per language, ``hmc/locale/LANG/LC_MESSAGES/messages.po``, managed
with Babel. Message ids are keys (``"phases"``, ``"days_before"``); a counted message has
one text per plural form of its language, chosen by the catalogue's ``Plural-Forms``
header, which Babel writes from the Unicode CLDR rules (six forms in Arabic, two in
English). The ``.po`` files are read at run time, so a fresh checkout needs no build step.
Numbers and dates are written per language with Babel (see :mod:`hmc.locale.formats`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from gettext import GNUTranslations
from importlib.resources import files
from io import BytesIO

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT = "en"
LANGUAGES = ("en", "ar")
RTL = frozenset({"ar"})

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "catalog",
    "configured",
    "counted",
    "direction",
    "language",
    "scenario_text",
    "translate",
]


@cache
def catalog(lang: str) -> Catalog:
    """The catalogue of ``lang`` as Babel reads it from its ``.po`` file."""
    source = files("hmc.locale") / lang / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as po:
        return read_po(po, locale=lang)


@cache
def _translations(lang: str) -> GNUTranslations:
    """The catalogue of ``lang`` compiled in memory for gettext's lookups."""
    compiled = BytesIO()
    write_mo(compiled, catalog(lang))
    compiled.seek(0)
    return GNUTranslations(compiled)


def language(requested: str | None) -> str:
    """The requested language if we have it, else English.

    >>> language("ar"), language("xx"), language(None)
    ('ar', 'en', 'en')
    """
    return requested if requested in LANGUAGES else DEFAULT


def direction(lang: str) -> str:
    """The text direction of a language: "rtl" or "ltr"."""
    return "rtl" if lang in RTL else "ltr"


def translate(lang: str, key: str) -> str:
    """The message ``key`` in ``lang`` (a key missing from the catalogue comes back as is).

    >>> translate("en", "phases"), translate("ar", "phases")
    ('Phases and gates', 'المراحل والبوابات')
    """
    return _translations(language(lang)).gettext(key)


def counted(lang: str, key: str, n: int) -> str:
    """The counted message ``key`` in its plural form for ``n``, with ``{n}`` written out in
    the language's digits and grouping.

    >>> [counted("ar", "events_found", n) for n in (0, 1, 2, 3, 11, 100)]
    ['لا أحداث', 'حدث واحد', 'حدثان', '3 أحداث', '11 حدثًا', '100 حدث']
    >>> counted("en", "events_found", 1), counted("en", "events_found", 12345)
    ('1 event', '12,345 events')
    """
    from hmc.locale.formats import number

    chosen = language(lang)
    return _translations(chosen).ngettext(key, key, n).format(n=number(chosen, n))


def configured(item: object, name: str, lang: str) -> str:
    """The text ``name`` of a configured item (a name, a rubric...) in ``lang``: its own
    translation (``name_ar``) where the configuration gives one, else as configured.

    >>> from hmc.framework.records import AreaInfo
    >>> north = AreaInfo("north", "North", ("ninewa",), name_ar="الشمال")
    >>> configured(north, "name", "ar"), configured(north, "name", "en")
    ('الشمال', 'North')
    """
    own = str(getattr(item, name))
    return own if lang == DEFAULT else str(getattr(item, f"{name}_{lang}", "") or own)


def scenario_text(
    scenario: Mapping[str, object], name: str, lang: str, configured_ones: Iterable[object] = ()
) -> str:
    """The ``name`` or ``description`` of a scenario of a stored run in ``lang``: a built-in
    one's from the catalogue (``scenario_configured_name``), a configured one's from its
    configuration (``configured_ones``, each with a ``key``), any other's as stored.

    >>> built_in = {"id": "conditions", "name": "Conditions only"}
    >>> scenario_text(built_in, "name", "ar"), scenario_text({"id": "x", "name": "X"}, "name", "ar")
    ('الشروط وحدها', 'X')
    """
    key = f"scenario_{scenario['id']}_{name}"
    text = translate(lang, key)
    if text != key:
        return text
    own = next((s for s in configured_ones if getattr(s, "key", None) == scenario["id"]), None)
    return configured(own, name, lang) if own is not None else str(scenario[name])
