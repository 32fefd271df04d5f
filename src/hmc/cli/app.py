"""Commands: init, import, imports, formats, sources, events, event, indicators, status, demo,
serve; forecast, timeline, scenario, backtest; and the groups of commands (member, token,
round, meeting, decision, action, audit, links)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

import hmc
from hmc.actor import Actor
from hmc.cli import render, render_meetings
from hmc.cli.audit import audit
from hmc.cli.base import (
    AsOfOption,
    CommissionOption,
    HmcGroup,
    LangOption,
    console,
    day_option,
    progress,
    speak,
    writing,
)
from hmc.cli.evidence import (
    Export,
    ReportOptions,
    event,
    events,
    formats,
    import_one,
    imports,
    links,
    sources,
    write_values,
)
from hmc.cli.meetings import action, decision, meeting
from hmc.cli.members import member, token
from hmc.cli.news import news
from hmc.cli.report import beside_database
from hmc.cli.report import report as joint_report
from hmc.cli.review import review
from hmc.cli.rounds import round_
from hmc.cli.timeline import register as register_timeline
from hmc.cli.timeline import timeline
from hmc.errors import HmcError
from hmc.evidence import OnError

if TYPE_CHECKING:  # the services load with the command that uses them
    from hmc.framework.service import (
        LoadReport,
    )
    from hmc.indicators.computing import ComputeReport
    from hmc.indicators.engines import Choice
    from hmc.timeline.status import CommissionStatus


class CannotListen(HmcError):
    """The server cannot listen where it was asked to."""


class ServerFailed(HmcError):
    """The server stopped before it started serving."""


def _version(shown: bool) -> None:
    if shown:
        console.print(f"hmc {hmc.__version__}", highlight=False)
        raise typer.Exit()


app = typer.Typer(
    name="hmc",
    cls=HmcGroup,
    help="Workspace of a bilateral military commission: evidence, indicators, gates, timeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Workspace of a bilateral military commission: evidence, indicators, gates, timeline."""
    speak(lang)


def _load(configs: list[Path], actor: Actor) -> list[LoadReport]:
    from hmc.framework.service import load_commission
    from hmc.storage import open_database, session_scope

    engine = open_database(write=True)
    with session_scope(engine) as session:  # all the files or, if one is bad, none of them
        reports = [load_commission(session, path=path, actor=actor) for path in configs]
    for report in reports:
        render.load_report(console, report)
    return reports


def _compute(ids: list[str], actor: Actor, analytics: Choice | None = None) -> list[ComputeReport]:
    """Compute what is missing or stale, one commission (one transaction) at a time."""
    from hmc.indicators.computing import compute
    from hmc.storage import open_database, session_scope

    engine = open_database(write=True)
    done = []
    with progress() as bar:
        task = bar.add_task("computing indicators", total=None)
        for commission_id in ids:
            with session_scope(engine) as session:
                done.append(
                    compute(
                        session,
                        actor=actor,
                        commission_id=commission_id,
                        progress=lambda _: bar.advance(task),
                        engine=analytics,
                    )
                )
    return done


def _all_commissions() -> list[str]:
    from hmc.framework.service import commission_ids
    from hmc.storage import open_database, session_scope

    with session_scope(open_database(write=False)) as session:
        return commission_ids(session)


@app.command()
def init(
    config: Annotated[
        list[Path] | None,
        typer.Argument(help="Commission configuration files (default: the shipped ones)."),
    ] = None,
) -> None:
    """Create the database (or bring it up to date) and load commission configurations.

    Loading an edited file adds a new framework version and says what changed; what hangs
    off the commission is kept, and only what changed is computed again.
    """
    from hmc.framework.service import shipped_commissions
    from hmc.storage import database_name

    actor = Actor.system("hmc init")
    reports = _load(config or shipped_commissions(), actor)
    for report in _compute([r.commission_id for r in reports], actor):
        render.compute_report(console, report)
    console.print(f"database: {escape(database_name())}", highlight=False)


@app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(help="A CSV file (.csv.gz, .zip), a .xlsx sheet, or a news report."),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="The file's format (default: detected); see 'hmc formats'."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="A mapping file (TOML) for any other CSV or sheet."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Record the events under this source key."),
    ] = None,
    on_error: Annotated[
        OnError,
        typer.Option(
            "--on-error",
            help="stop: a bad row imports nothing; skip: good rows are imported and the bad"
            " ones listed in FILE.rejected.csv.",
        ),
    ] = "stop",
    published: Annotated[
        date | None,
        typer.Option(
            metavar="DATE",
            parser=day_option("--published"),
            help="News: the report's publication day (default: its dateline).",
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option(metavar="en|ar", help="News: the report's language.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="News: the outlet that published it.")] = None,
    url: Annotated[str | None, typer.Option(help="News: where it was published.")] = None,
) -> None:
    """Import evidence from a file, then recompute the indicators it makes stale.

    The same file imported twice adds nothing; an import stopped midway leaves nothing.
    A news report (--format news; detected for .txt, .md, .html) is kept verbatim and what
    hmc proposes from it waits for review ('hmc review').
    """
    actor = Actor.system("hmc import")
    import_one(file, format=format, mapping=mapping, source=source, on_error=on_error,
               actor=actor, news=ReportOptions(published, language, outlet, url))  # fmt: skip
    for report in _compute(_all_commissions(), actor):
        render.compute_report(console, report)


@app.command()
def indicators(
    commission: Annotated[
        str | None,
        typer.Option(
            "--commission", "-c", help="Commission id (default: every loaded commission)."
        ),
    ] = None,
    as_of: AsOfOption = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="Where to compute: app, duckdb, spark, or duckdb:FILE / spark:FILE over an"
            " events file (default: HMC_ANALYTICS_URL, else app)."
        ),
    ] = None,
    export: Annotated[
        Export | None,
        typer.Option(help="Compute every value now and write it: csv, parquet or json."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the export here (default: standard output).")
    ] = None,
) -> None:
    """Compute what is missing or stale, then list the latest values.

    Every loaded commission is computed unless one is named; the list is of the one named
    (default: HMC_DEFAULT_COMMISSION if it is loaded). With --export, every value of the
    commission is computed by the engine and written, one line a value; nothing is stored.
    """
    from hmc.framework.records import not_found
    from hmc.indicators.computing import chosen_engine, computed
    from hmc.indicators.engines import Choice
    from hmc.settings import get_settings
    from hmc.storage import open_database, session_scope

    chosen = Choice.parse(engine, where="--engine") if engine else chosen_engine()
    ids = _all_commissions()
    default = get_settings().default_commission
    shown = commission or (default if default in ids or not ids else ids[0])
    if shown not in ids:
        raise not_found("commission", shown, ids, "this database")
    if export is not None:
        with session_scope(open_database(write=False)) as session:
            found = computed(session, commission_id=shown, engine=chosen)
        write_values(found, export, out)
        return
    actor = Actor.system("hmc indicators")
    reports = _compute([commission] if commission else ids, actor, chosen)
    _show(shown, as_of, render.indicators)
    for report in reports:
        render.compute_report(console, report)


@app.command()
def status(
    commission: CommissionOption = None,
    as_of: AsOfOption = None,
) -> None:
    """The transition at a glance (each phase and area: state, why, when), then whether each
    phase's gate held, per area, with the indicators behind it."""
    from hmc.settings import get_settings
    from hmc.storage import open_database, session_scope
    from hmc.timeline.glance import glance

    commission_id = commission or get_settings().default_commission
    with session_scope(open_database(write=False)) as session:
        found = glance(session, commission_id=commission_id, as_of=as_of)
    render.glance(console, found)
    render.status(console, found.status)


def _show(
    commission_id: str,
    as_of: date | None,
    view: Callable[[Console, CommissionStatus], None],
) -> None:
    from hmc.storage import open_database, session_scope
    from hmc.timeline.status import status as commission_status

    with session_scope(open_database(write=False)) as session:
        view(console, commission_status(session, commission_id=commission_id, as_of=as_of))


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the web workspace afterwards.")
    ] = True,
    port: Annotated[int, typer.Option(help="Port of the web workspace.", min=1, max=65535)] = 8000,
) -> None:
    """Load the shipped commissions and bundled data, compute, print the conditions, the
    default commission's timeline and its exercise meeting, serve."""
    from hmc.evidence.service import bundled_files
    from hmc.exercise import PASSWORD, exercise
    from hmc.framework.service import shipped_commissions
    from hmc.meetings.views import meeting_view
    from hmc.settings import get_settings
    from hmc.storage import open_database, session_scope

    actor = Actor.system("hmc demo")
    reports = _load(shipped_commissions(), actor)
    for path, format in bundled_files():
        import_one(path, format=format, mapping=None, source=None, on_error="stop", actor=actor)
    ids = [r.commission_id for r in reports]
    _compute(ids, actor)
    default = get_settings().default_commission
    made = None
    if default in ids:
        with writing() as session:
            made = exercise(session, actor=actor, commission_id=default)
    for commission_id in sorted(ids, key=lambda i: i != default):
        _show(commission_id, None, render.status)
    if default in ids:
        timeline(commission=default)
    if made is not None and made.meeting_id is not None:
        chair = next(m for m in made.members if m.role == "co_chair").actor
        with session_scope(open_database(write=False)) as session:
            shown = meeting_view(session, viewer=chair, meeting_id=made.meeting_id)
        render_meetings.meeting(console, shown)
    if default in ids:
        joint_report(out=beside_database("hmc-report.pdf"), commission=default)
    if made is not None:  # last, so that it is on the screen when the server starts
        render.exercise(console, made, PASSWORD)
    if serve_after:
        serve(port=port)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    workers: Annotated[
        int, typer.Option(help="Server processes sharing the port (one per core).", min=1, max=64)
    ] = 1,
) -> None:
    """Serve the web workspace and the JSON API (Ctrl-C stops it); it never writes."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from hmc.settings import get_settings
    from hmc.storage import open_database

    open_database(write=False)  # a missing or outdated database is said here, not per page
    listening = _listen(host, port)  # an address in use is an error here, not in uvicorn's log
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL
    console.print(
        f"hmc workspace on [bold]http://{escape(shown)}:{port}[/] (API docs at /docs; Ctrl-C stops)"
    )
    config = uvicorn.Config(
        "hmc.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        server_header=False,
        forwarded_allow_ips=get_settings().trusted_proxies,
    )
    server = uvicorn.Server(config)
    with listening, contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stopped, as asked
        if workers > 1:  # each worker process serves the one socket; nothing shared in memory
            Multiprocess(config, sockets=[listening]).run()
            return
        server.run(sockets=[listening])
    if not server.started:
        raise ServerFailed(f"the server on {host}:{port} did not start (see the messages above)")


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``; an HmcError saying why if it cannot be."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise CannotListen(f'--host: cannot listen on "{host}" ({reason})') from None
    family, kind, proto, _, address = found[0]
    listening = socket.socket(family, kind, proto)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as exc:
        listening.close()
        raise CannotListen(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    return listening


for command in (imports, formats, sources, events, event, joint_report):
    app.command()(command)
for group in (member, token, round_, meeting, decision, action, audit, links, news, review):
    app.add_typer(group)
register_timeline(app)


def main() -> None:
    """Entry point of the ``hmc`` script."""
    app()
