"""``hmc news extract``: what hmc would propose from a news report, written nowhere."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from hmc.cli.base import console, sub_app
from hmc.errors import InvalidInput

news = sub_app("news", "News reports and official statements, in English and Arabic.")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f'--published: "{text}" is not a day (YYYY-MM-DD)') from None


@news.command()
def extract(
    report: Annotated[
        Path,
        typer.Argument(help="A report (.txt, .md, .html), or a folder or zip with manifest.csv."),
    ],
    published: Annotated[
        str | None,
        typer.Option(help="Publication day, YYYY-MM-DD (default: the report's dateline)."),
    ] = None,
    language: Annotated[
        str | None, typer.Option(metavar="en|ar", help="The report's language (default: detected).")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="The outlet that published it.")] = None,
    url: Annotated[str | None, typer.Option(help="Where it was published.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the events, claims, statements and positions hmc proposes from REPORT.

    Nothing is written. With --json: {"document": {...}, "items": [...]} (a list of them
    for a folder or zip).
    """
    from hmc.news import extract as extract_items
    from hmc.news import read_report, read_reports

    if not report.exists():
        raise InvalidInput(f"{report}: no such file or folder")
    if report.is_dir() or report.suffix.lower() == ".zip":
        reports = read_reports(report)
    else:
        reports = [
            read_report(
                report, published=_day(published), language=language, outlet=outlet, url=url
            )
        ]
    found = [
        {"document": r.to_dict(), "items": [i.to_dict() for i in extract_items(r)]} for r in reports
    ]
    if as_json:
        shown: Any = (
            found[0]
            if len(found) == 1 and not report.is_dir() and report.suffix != ".zip"
            else found
        )
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    for one in found:
        _table(one)


def _table(found: dict[str, Any]) -> None:
    document = found["document"]
    title = f"{document['file']} · {document['published']} · {document['language']}"
    table = Table(title=escape(title), show_lines=False)
    for column in (
        "type",
        "category",
        "date",
        "place",
        "actor",
        "party",
        "killed",
        "wounded",
        "count",
    ):
        table.add_column(column)
    for item in found["items"]:
        day = item["date"] or (
            f"{item['date_from']}…{item['date_to']}" if item["date_from"] else ""
        )
        count = f"{item['count_qualifier'] or ''} {item['count']}".strip() if item["count"] else ""
        where = item["governorate"] or item["place"] or ""
        actor, party = item["actor"] or "", item["party"] or ""
        cells = (item["type"], item["category"], day, where, actor, party, item["killed"],
                 item["wounded"], count)  # fmt: skip
        table.add_row(*(escape(str(c)) if c is not None else "" for c in cells))
    console.print(table)
