"""The joint report as one PDF: the sections rendered by one Jinja template, then WeasyPrint.

The same database and date give the same PDF: its metadata dates are the as-of date, its
identifier a digest of its content, and everything in it is in the configuration's order or
sorted.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from sqlalchemy.orm import Session

from hmc.audit.service import head
from hmc.errors import InvalidInput
from hmc.locale import LANGUAGES, configured, direction, scenario_text, translate
from hmc.locale.formats import LATIN, day, number
from hmc.report import CHOICES, DIGITS
from hmc.report.sections import SECTIONS, read


@pass_context
def _number(context: Context, value: float, lang: str) -> str:
    return number(lang, value, digits=context["digits"] if lang == "ar" else LATIN)


@pass_context
def _day(context: Context, value: date, lang: str) -> str:
    return day(lang, value, digits=context["digits"] if lang == "ar" else LATIN)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hmc.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        translate=translate, configured=configured, direction=direction, scenario=scenario_text
    )
    env.filters.update(number=_number, day=_day)
    return env


templates = _environment()


def languages(chosen: str) -> tuple[str, ...]:
    """The languages of a report: ``en``, ``ar`` or ``both`` (English, then Arabic)."""
    if chosen not in CHOICES:
        raise InvalidInput(f'--lang: "{chosen}" is not one of {", ".join(CHOICES)}', lang=chosen)
    return LANGUAGES if chosen == "both" else (chosen,)


def report_html(
    session: Session, *, commission_id: str, as_of: date | None, lang: str, digits: str = "latin"
) -> str:
    """The report as HTML, in ``lang`` (``en``, ``ar`` or ``both``); the Arabic text's numbers
    in ``digits`` (``latin`` or ``arabic-indic``)."""
    chosen = languages(lang)
    if digits not in DIGITS:
        raise InvalidInput(f'--digits: "{digits}" is not one of {", ".join(DIGITS)}', digits=digits)
    reading = read(session, commission_id=commission_id, as_of=as_of)
    sections: list[tuple[str, dict[str, Any]]] = [(name, made(reading)) for name, made in SECTIONS]
    return templates.get_template("report.html").render(
        langs=chosen,
        commission=reading.framework.commission,
        as_of=reading.as_of,
        sections=sections,
        digits=DIGITS[digits],
        head=head(session),  # on the last page: both parties can check nothing before changed
    )


def report_pdf(
    session: Session, *, commission_id: str, as_of: date | None, lang: str, digits: str = "latin"
) -> bytes:
    """The joint report as PDF bytes (see :func:`report_html`)."""
    from weasyprint import HTML  # WeasyPrint (Pango, fonts) only when a report is written

    html = report_html(session, commission_id=commission_id, as_of=as_of, lang=lang, digits=digits)
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    pdf = HTML(string=html).write_pdf(pdf_identifier=identifier)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return bytes(pdf)
