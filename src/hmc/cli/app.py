"""Commands: init, import, indicators, status, demo, serve."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from typer.core import TyperGroup

from hmc.accounts import Actor
from hmc.cli import render
from hmc.domain.days import parse_day
from hmc.errors import HmcError, InvalidInput
from hmc.evidence.service import bundled_files, import_file, list_batches, list_formats
from hmc.framework.service import list_commissions, load_commission, shipped_commissions
from hmc.indicators.service import compute
from hmc.settings import get_settings
from hmc.storage import get_engine, migrate, session_scope
from hmc.timeline.status import CommissionStatus
from hmc.timeline.status import status as commission_status

console = Console()
errors = Console(stderr=True)


def fail(message: str) -> None:
    """Print ``message`` as one red ``Error:`` line on stderr (never wrapped)."""
    errors.print(f"[red]Error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def _reason(exc: SQLAlchemyError) -> str:
    """What the database said, in one line: the driver's message, without the SQL."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _database_name() -> str:
    try:
        return make_url(get_settings().database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "named by HMC_DATABASE_URL"


class HmcGroup(TyperGroup):
    """Turns every error into one red message on stderr and exit code 1, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # Click's own: usage errors (exit code 2), --help, Ctrl-C
        except HmcError as exc:
            fail(exc.message)
        except SQLAlchemyError as exc:
            fail(f"the database {_database_name()} failed: {_reason(exc)}")
        except Exception as exc:
            # a bug: say what it is rather than dump a traceback on the user
            fail(
                f"unexpected {type(exc).__name__}: {exc} (this is a bug in hmc;"
                " please report it with the command you ran)"
            )
        ctx.exit(1)


app = typer.Typer(
    name="hmc",
    cls=HmcGroup,
    help="Workspace of a bilateral military commission: evidence, indicators, gates, timeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CommissionOption = Annotated[
    str | None,
    typer.Option("--commission", "-c", help="Commission id (default: HMC_DEFAULT_COMMISSION)."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Use only what was known on this date (YYYY-MM-DD);"
        " default: the commission's replay date, else today.",
    ),
]


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        raise InvalidInput(f"--as-of: {exc}", option="--as-of") from None


def _engine() -> Engine:
    """The database of HMC_DATABASE_URL, migrated; an HmcError if it cannot be opened."""
    try:
        engine = get_engine()
    except ArgumentError:
        raise HmcError(
            "HMC_DATABASE_URL is not a database URL (write e.g. sqlite:///hmc.db"
            " or postgresql+psycopg://user:pass@host/db)"
        ) from None
    except ImportError as exc:
        raise HmcError(
            f"the database {_database_name()} needs a driver that is not installed ({exc})"
        ) from None
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        raise HmcError(
            f"cannot open the database {_database_name()} ({_reason(exc)}); check HMC_DATABASE_URL"
        ) from None
    return engine


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,  # a log or a pipe gets the result, not a blank line
    )


@app.command()
def init(
    config: Annotated[
        list[Path] | None,
        typer.Argument(help="Commission configuration files (default: the shipped ones)."),
    ] = None,
) -> None:
    """Create the database (or bring it up to date) and load commission configurations."""
    engine = _engine()
    done: list[tuple[str, str, bool]] = []
    with session_scope(engine) as session:  # all the files or, if one is bad, none of them
        for path in config or shipped_commissions():
            commission, changed = load_commission(session, path=path)
            done.append((commission.id, commission.name, changed))
    for commission_id, name, changed in done:
        word = "loaded" if changed else "unchanged"
        console.print(f"[green]{word}[/] {commission_id}: {name}")
    console.print(f"database: {engine.url.render_as_string(hide_password=True)}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A CSV file (or .csv.gz).")],
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="The file's format; see 'hmc formats'."),
    ],
) -> None:
    """Import evidence from a file; the same file imported twice adds nothing."""
    engine = _engine()
    _import(engine, file, format)


def _import(engine: Engine, file: Path, format: str) -> None:
    with _progress() as progress, session_scope(engine) as session:
        task = progress.add_task(f"importing {file.name}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = import_file(
            session, path=file, format=format, actor=Actor.system("hmc import"), progress=advance
        )
    render.import_report(console, report)


@app.command()
def imports() -> None:
    """List the files imported so far: format, source, what each added, the dates it covers."""
    with session_scope(_engine()) as session:
        render.batches(console, list_batches(session))


@app.command()
def formats() -> None:
    """List the evidence formats 'hmc import' reads."""
    render.formats(console, list_formats())


@app.command()
def indicators(
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Compute the indicators from the evidence, then list their latest values."""
    engine = _engine()
    commission_id = commission or get_settings().default_commission
    with session_scope(engine) as session:
        report = compute(session, commission_id=commission_id)
    _show(engine, commission_id, _as_of(as_of), render.indicators)
    console.print(f"{report.values} values for {report.indicators} measured indicators")


@app.command()
def status(
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Whether each phase's gate held, per area, with the indicators behind it."""
    commission_id = commission or get_settings().default_commission
    _show(_engine(), commission_id, _as_of(as_of), render.status)


def _show(
    engine: Engine,
    commission_id: str,
    as_of: date | None,
    view: Callable[[Console, CommissionStatus], None],
) -> None:
    with session_scope(engine) as session:
        view(console, commission_status(session, commission_id=commission_id, as_of=as_of))


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web workspace afterwards.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the web workspace.", min=1, max=65535)] = 8000,
) -> None:
    """Load the shipped commissions and bundled data, compute, print the conditions, serve."""
    engine = _engine()
    for path in shipped_commissions():
        with session_scope(engine) as session:
            load_commission(session, path=path)
    for path, format in bundled_files():
        _import(engine, path, format)
    with session_scope(engine) as session:
        ids = [c.id for c in list_commissions(session)]
    for commission_id in ids:
        with session_scope(engine) as session:
            compute(session, commission_id=commission_id)
    default = get_settings().default_commission
    for commission_id in sorted(ids, key=lambda i: i != default):
        _show(engine, commission_id, None, render.status)
    if serve_after:
        serve(port=port)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the web workspace and the JSON API (Ctrl-C stops it)."""
    import uvicorn

    from hmc.api.app import create_app

    _engine()
    listening = _listen(host, port)  # an address in use is an error here, not in uvicorn's log
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL
    console.print(
        f"hmc workspace on [bold]http://{shown}:{port}[/] (API docs at /docs; Ctrl-C stops)"
    )
    server = uvicorn.Server(uvicorn.Config(create_app(), host=host, port=port, log_level="warning"))
    with listening, contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stopped, as asked
        server.run(sockets=[listening])
    if not server.started:
        raise HmcError(f"the server on {host}:{port} did not start (see the messages above)")


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``; an HmcError saying why if it cannot be."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise HmcError(f'--host: cannot listen on "{host}" ({reason})') from None
    family, kind, proto, _, address = found[0]
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as exc:
        listening.close()
        raise HmcError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    return listening


def main() -> None:
    """Entry point of the ``hmc`` script."""
    app()
