"""What every command shares: the consoles, the language, the error path, common options, a
write's scope, reading a password, and acting as a member who signed in with it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from hmc.accounts import sign_in, sign_out
from hmc.actor import Actor
from hmc.audit.service import lock_chain
from hmc.domain.days import typed_day
from hmc.errors import HmcError, InvalidInput
from hmc.locale import DEFAULT, LANGUAGES, configured, counted, formats, translate
from hmc.settings import get_settings
from hmc.storage import Session, open_database, session_scope

console = Console()
errors = Console(stderr=True)


_spoken = {"lang": DEFAULT}

LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|ar",
        help="The language commands print in (default: HMC_LANG, else en).",
    ),
]


def speak(lang: str | None) -> None:
    """Choose the language commands print in: ``lang``, else the setting HMC_LANG."""
    chosen = lang or get_settings().lang
    if chosen not in LANGUAGES:
        where = "--lang" if lang else "HMC_LANG"
        raise InvalidInput(
            f'{where}: "{chosen}" is not one of {", ".join(LANGUAGES)}', option=where
        )
    _spoken["lang"] = chosen


def lang() -> str:
    """The language commands print in (see :func:`speak`)."""
    return _spoken["lang"]


def t(key: str, **fields: object) -> str:
    """The message ``key`` in the commands' language, its ``{fields}`` filled in."""
    return translate(lang(), key).format(**fields)


def tn(key: str, n: int) -> str:
    """The counted message ``key`` in the commands' language, in its form for ``n``."""
    return counted(lang(), key, n)


def named(item: object, name: str = "name") -> str:
    """A configured text of ``item`` (its name...) in the commands' language."""
    return configured(item, name, lang())


def number(value: float, decimals: int | None = None) -> str:
    """``value`` grouped as the commands' language writes it (``decimals``: exactly so many)."""
    return formats.number(lang(), value, decimals=decimals)


def when(value: date) -> str:
    """A date in a sentence: YYYY-MM-DD in English, written out in Arabic."""
    return value.isoformat() if lang() == DEFAULT else formats.day(lang(), value)


def fail(message: str) -> None:
    """Print ``message`` as one red ``Error:`` line on stderr (never wrapped)."""
    errors.print(f"[red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)


class HmcGroup(TyperGroup):
    """Turns every error into one red message on stderr and exit code 1, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Click's own: usage errors (exit code 2), --help, Ctrl-C
        except HmcError as exc:
            fail(exc.message)
        except Exception as exc:
            # a bug: say what it is rather than dump a traceback on the user
            fail(
                f"unexpected {type(exc).__name__}: {exc} (this is a bug in hmc;"
                " please report it with the command you ran)"
            )
        ctx.exit(1)


CommissionOption = Annotated[
    str | None,
    typer.Option("--commission", "-c", help="Commission id (default: HMC_DEFAULT_COMMISSION)."),
]


def day_option(name: str) -> Callable[[str], date]:
    """How option ``name`` reads its date: :func:`typed_day`, its error naming the option.

    >>> day_option("--as-of")("2007-06-30")
    datetime.date(2007, 6, 30)
    """
    return lambda text: typed_day(text, field=name)


AsOfOption = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        parser=day_option("--as-of"),
        help="Use only what was known on this date (YYYY-MM-DD);"
        " default: the commission's replay date, else today.",
    ),
]


UserOption = Annotated[
    str,
    typer.Option(
        "--user",
        "-u",
        metavar="USERNAME",
        help="Act as this member; their password is asked for (hidden) on a terminal,"
        " else read from the first line of standard input.",
    ),
]


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,  # a log or a pipe gets the result, not a blank line
    )


@contextmanager
def writing() -> Iterator[Session]:
    """One transaction of a command that writes: the schema brought up to date, the chain locked."""
    engine = open_database(write=True)
    with session_scope(engine) as session:
        lock_chain(session)
        yield session


def sub_app(name: str, help: str) -> typer.Typer:
    """A group of commands (``hmc NAME ...``) with the same error path as the top level."""
    return typer.Typer(
        name=name, cls=HmcGroup, help=help, no_args_is_help=True, add_completion=False
    )


def read_password(prompt: str = "Password", *, confirm: bool = False) -> str:
    """A password: asked for hidden on a terminal (twice with ``confirm``), else stdin's first line.

    The prompt goes to stderr, so that what a command prints on stdout is its output alone
    (``hmc round status 3 --json --user amina | jq`` on a terminal).
    """
    if sys.stdin.isatty():
        return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm, err=True))
    line = sys.stdin.readline()
    if not line:
        raise InvalidInput(
            "no password: type it on a terminal, or give it on the first line of standard input"
        )
    return line.rstrip("\r\n")


CLI_ADDRESS = "cli"  # where a command's sign-in comes from, for the failed sign-in limits


@contextmanager
def as_member(username: str, *, write: bool) -> Iterator[tuple[Session, Actor]]:
    """One transaction acting as ``username``, who proves it with their password.

    The member signs in as on the pages (recorded; a wrong password counts towards the
    limits), the command runs as their actor (``write``: in :func:`writing`, else on a
    read-only handle), and their session ends afterwards, whether the command worked or not.
    """
    password = read_password()
    engine = open_database(write=True)  # signing in and out are recorded
    with session_scope(engine) as session:
        signed = sign_in(session, username=username, password=password, address=CLI_ADDRESS)
    try:
        with writing() if write else session_scope(open_database(write=False)) as session:
            yield session, signed.member.actor
    finally:
        with session_scope(engine) as session:
            sign_out(session, token=signed.token)
