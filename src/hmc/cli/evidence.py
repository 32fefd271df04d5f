"""Evidence commands: import, imports, formats, sources, events (with exports), links."""

from __future__ import annotations

import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple, TextIO

import typer
from rich.markup import escape

from hmc.actor import Actor
from hmc.cli import render
from hmc.cli.base import (
    UserOption,
    as_member,
    console,
    day_option,
    progress,
    sub_app,
    writing,
)
from hmc.errors import InvalidInput
from hmc.evidence import OnError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    # the services load with the command that uses them
    from hmc.evidence.schemas import EventRead

Export = Literal["csv", "parquet", "json"]
PARQUET_ROWS = 50_000  # rows a Parquet row group holds
_NUMBERS = ("latitude", "longitude", "deaths", "deaths_low", "deaths_high")


def _schema() -> pa.Schema:
    """The Parquet schema of an events export: its columns, typed."""
    import pyarrow as pa

    from hmc.evidence.views import EXPORTED

    types = {"id": pa.int64(), "duplicate_of": pa.int64(), "occurred_on": pa.date32()}
    return pa.schema(
        [(n, types.get(n, pa.float64() if n in _NUMBERS else pa.string())) for n in EXPORTED]
    )


class ReportOptions(NamedTuple):
    """What a news report's import is told: its publication day, language, outlet, address."""

    published: date | None = None
    language: str | None = None
    outlet: str | None = None
    url: str | None = None


def import_one(
    file: Path,
    *,
    format: str | None,
    mapping: Path | None,
    source: str | None,
    on_error: OnError,
    actor: Actor,
    news: ReportOptions | None = None,
) -> None:
    """Import one file in one transaction, with a progress bar, and print what it did."""
    from hmc.evidence.service import import_file
    from hmc.news.importing import is_news
    from hmc.storage import open_database, session_scope

    if format == "news" or (format is None and mapping is None and is_news(file)):
        import_reports(file, news or ReportOptions(), actor)
        return
    if news is not None and any(news):
        raise InvalidInput("--published, --language, --outlet and --url are for --format news")
    engine = open_database(write=True)
    with progress() as bar, session_scope(engine) as session:
        task = bar.add_task(f"importing {escape(file.name)}", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = import_file(
            session,
            path=file,
            format=format,
            mapping=mapping,
            source=source,
            on_error=on_error,
            actor=actor,
            progress=advance,
        )
    render.import_report(console, report)


def import_reports(file: Path, options: ReportOptions, actor: Actor) -> None:
    """Import news reports (a file, a folder or a zip with a manifest): items await review."""
    from hmc.news.importing import import_news

    if not file.exists():
        raise InvalidInput(f"{file}: no such file or folder")
    with writing() as session:
        done = import_news(session, path=file, actor=actor, **options._asdict())
    for one in done:
        if one.again:
            console.print(
                f"{escape(one.file)}: imported already (report {one.report_id}); nothing added"
            )
        else:
            console.print(
                f"{escape(one.file)}: report {one.report_id} ({one.language}, {one.published}),"
                f" {one.items} items proposed: they count once reviewed ('hmc review list')"
            )


def imports() -> None:
    """List the files imported so far: format, source, what each added, the dates it covers."""
    from hmc.evidence.views import list_batches
    from hmc.storage import open_database, session_scope

    with session_scope(open_database(write=False)) as session:
        render.batches(console, list_batches(session))


def formats() -> None:
    """List the evidence formats 'hmc import' reads (or detects)."""
    from hmc.evidence.views import list_formats

    render.formats(console, list_formats())


def sources() -> None:
    """List the sources of evidence, with their reliability grade (A-F) and events."""
    from hmc.evidence.views import list_sources
    from hmc.storage import open_database, session_scope

    with session_scope(open_database(write=False)) as session:
        render.sources(console, list_sources(session))


def events(
    since: Annotated[
        date | None,
        typer.Option(
            "--from", metavar="DATE", parser=day_option("--from"), help="First day, YYYY-MM-DD."
        ),
    ] = None,
    until: Annotated[
        date | None,
        typer.Option(
            "--to", metavar="DATE", parser=day_option("--to"), help="Last day, YYYY-MM-DD."
        ),
    ] = None,
    governorate: Annotated[
        list[str] | None, typer.Option("--governorate", "-g", help="Governorate id (repeatable).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="The commission's category.")] = None,
    source: Annotated[str | None, typer.Option(help="Source key (see 'hmc sources').")] = None,
    reliability: Annotated[
        str | None, typer.Option(help="Source reliability letters, e.g. AB.")
    ] = None,
    credibility: Annotated[
        int | None, typer.Option(min=1, max=6, help="Credibility at most this (1 best).")
    ] = None,
    account: Annotated[
        str | None, typer.Option(help="Only events this party has given its account of.")
    ] = None,
    export: Annotated[
        Export | None, typer.Option(help="Write every matching event: csv, parquet or json.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the export here (default: standard output).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Events listed.")] = 50,
) -> None:
    """List events (newest first) with their source and grade, or export them, one per line."""
    from hmc.evidence.views import EventFilter, find_events, stream_events
    from hmc.storage import open_database, session_scope

    where = EventFilter(
        start=since,
        end=until,
        governorates=tuple(governorate) if governorate else None,
        category=category,
        source=source,
        reliability=reliability,
        credibility=credibility,
        account=account,
    )
    with session_scope(open_database(write=False)) as session:
        if export is None:
            total, found = find_events(session, where=where, limit=limit)
            render.events(console, total, found)
            return
        write_export(stream_events(session, where=where), export, out)


def write_export(found: Iterator[EventRead], export: Export, out: Path | None) -> None:
    """Write ``found`` as CSV (a header, then a line an event), JSON lines, or Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from hmc.evidence.views import EXPORTED

    if export == "parquet":
        if out is None and sys.stdout.isatty():
            raise InvalidInput("--export parquet is binary: give --out FILE, or redirect")
        schema = _schema()
        with pq.ParquetWriter(out or sys.stdout.buffer, schema) as writer:
            for chunk in _chunks(found, PARQUET_ROWS):
                writer.write_table(pa.Table.from_pylist([_row(e) for e in chunk], schema))
        return
    with _text_out(out) as stream:
        if export == "csv":
            lines = csv.writer(stream)
            lines.writerow(EXPORTED)
            for event in found:
                lines.writerow(["" if v is None else v for v in _row(event).values()])
        else:
            for event in found:
                stream.write(json.dumps(_row(event), ensure_ascii=False, default=str) + "\n")


def write_values(found: pd.DataFrame, export: Export, out: Path | None) -> None:
    """Write indicator values as CSV (a header, then a line a value), JSON lines, or Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(found, preserve_index=False)
    if export == "parquet":
        if out is None and sys.stdout.isatty():
            raise InvalidInput("--export parquet is binary: give --out FILE, or redirect")
        pq.write_table(table, out or sys.stdout.buffer)
        return
    with _text_out(out) as stream:
        if export == "csv":
            lines = csv.writer(stream)
            lines.writerow(found.columns)
            lines.writerows(row.values() for row in table.to_pylist())
        else:
            for row in table.to_pylist():
                stream.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")


def _row(event: EventRead) -> dict[str, object]:
    from hmc.evidence.views import EXPORTED

    data = event.model_dump()
    return {name: data[name] for name in EXPORTED}


def _chunks(found: Iterator[EventRead], size: int) -> Iterator[list[EventRead]]:
    chunk: list[EventRead] = []
    for event in found:
        chunk.append(event)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextlib.contextmanager
def _text_out(out: Path | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    try:
        with out.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as exc:
        raise InvalidInput(f"--out: {out} cannot be written ({exc.strerror})") from None


def event(event_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)]) -> None:
    """One event: its grade and why, the reports linked to it, the parties' accounts."""
    from hmc.evidence.views import event_detail
    from hmc.storage import open_database, session_scope

    with session_scope(open_database(write=False)) as session:
        render.event(console, event_detail(session, event_id=event_id))


links = sub_app("links", "Links between reports of one event by two sources.")


@links.command("undo")
def undo(link_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1)], user: UserOption) -> None:
    """Undo a link: both reports count again (a co-chair, member or analyst; audited)."""
    from hmc.evidence.linking import undo_link

    with as_member(user, write=True) as (session, actor):
        undone = undo_link(session, actor=actor, link_id=link_id)
    console.print(
        f"link {undone.id} undone: event {undone.event_id} is no longer counted as a "
        f"duplicate of event {undone.original_id}"
    )
