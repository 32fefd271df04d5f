"""The command ``hmc report``: the joint report of a commission as a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from hmc.cli.base import AsOfOption, CommissionOption, console, t
from hmc.errors import InvalidInput
from hmc.report import CHOICES, DIGITS, report_pdf
from hmc.settings import get_settings
from hmc.storage import get_engine, open_database, session_scope


def beside_database(name: str) -> Path:
    """Where the demonstration writes a file: beside its SQLite database, else here."""
    url = get_engine().url
    folder = (
        Path(url.database).parent if url.get_backend_name() == "sqlite" and url.database else None
    )
    return (folder or Path.cwd()) / name


def report(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The PDF file to write.", dir_okay=False)
    ],
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
    lang: Annotated[
        str, typer.Option("--lang", help=f"The report's language: {', '.join(CHOICES)}.")
    ] = "both",
    digits: Annotated[
        str,
        typer.Option("--digits", help=f"The Arabic text's digits: {', '.join(DIGITS)}."),
    ] = "latin",
) -> None:
    """Write the joint report (PDF): conditions, gates, timeline, divergences, decisions and
    actions, sources and the audit chain's head, as known on the date."""
    commission_id = commission or get_settings().default_commission
    with session_scope(open_database(write=False)) as session:
        pdf = report_pdf(
            session,
            commission_id=commission_id,
            as_of=as_of,
            lang=lang,
            digits=digits,
        )
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise InvalidInput(f"--out: cannot write {out} ({exc.strerror})", option="--out") from None
    shown = escape(str(out))
    console.print(f"{t('report_title')}: {shown}", highlight=False, soft_wrap=True)
