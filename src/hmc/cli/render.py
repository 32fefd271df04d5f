"""Rich tables for the command line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Column, Table

from hmc.evidence.service import BatchInfo, FormatInfo, ImportReport
from hmc.timeline.status import CommissionStatus, IndicatorStatus

MARKS = {True: "[green]yes[/]", False: "[red]no[/]", None: "[dim]unknown[/]"}


def number(value: float | None) -> str:
    """A value as a person reads it: no data is never shown as zero."""
    if value is None:
        return "[dim]no data[/]"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def import_report(console: Console, report: ImportReport) -> None:
    if report.already_imported:
        console.print(
            f"{report.file_name}: already imported (batch {report.batch_id}); nothing added"
        )
        return
    console.print(
        f"[green]imported[/] {report.file_name} as {report.format}: {report.rows:,} rows, "
        f"{report.events_added:,} events, {report.observations_added:,} counts added, "
        f"{report.duplicates:,} duplicates skipped; covers {report.coverage_start} to "
        f"{report.coverage_end}"
    )


def batches(console: Console, infos: Sequence[BatchInfo]) -> None:
    table = Table(
        "#",
        "file",
        "format",
        "source",
        "events",
        "counts",
        "covers",
        "imported",
        title="Imported evidence",
    )
    for b in infos:
        table.add_row(
            str(b.id),
            b.file_name,
            b.format,
            b.source_name,
            f"{b.events:,}",
            f"{b.observations:,}",
            f"{b.coverage_start} to {b.coverage_end}",
            b.imported_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table if infos else "nothing imported yet (see 'hmc import --help')")


def formats(console: Console, infos: Sequence[FormatInfo]) -> None:
    table = Table("format", "source", "what it reads", title="Evidence formats")
    for info in infos:
        table.add_row(info.name, info.source_name, info.description)
    console.print(table)


def _indicator_rows(table: Table, rows: Sequence[IndicatorStatus], *, area: bool) -> None:
    for s in rows:
        ind = s.indicator
        threshold = (
            ""
            if ind.threshold is None
            else f"{'≤' if ind.better == 'lower' else '≥'} {ind.threshold:g}"
        )
        shown = number(s.value)
        if s.value is None and s.latest_value is not None:
            shown += f" (last: {number(s.latest_value)})"
        elif s.value is None and ind.kind == "rated":
            shown += " [dim](not yet rated)[/]"
        cells = [ind.factor.name, ind.key, shown, threshold, MARKS[s.met]]
        cells.append(s.latest_period.isoformat() if s.latest_period else "—")
        table.add_row(*([s.area.name if s.area else "national"] if area else []), *cells)


def _indicator_table(title: str, rows: Sequence[IndicatorStatus], *, area: bool) -> Table:
    columns = ["factor", "indicator", "latest week", "threshold", "met", "week of"]
    table = Table(*(["scope"] if area else []), *columns, title=title)
    _indicator_rows(table, rows, area=area)
    return table


def indicators(console: Console, result: CommissionStatus) -> None:
    title = f"{result.commission.name}: indicators as of {result.as_of}"
    console.print(_indicator_table(title, result.indicators, area=True))


def status(console: Console, result: CommissionStatus) -> None:
    """The conditions table: per phase and area, the gate, its state and the values behind it."""
    console.print(
        f"\n[bold]{result.commission.name}[/] ({result.commission.id}), as of {result.as_of}"
    )
    nationwide = result.for_area(None)
    console.print(_indicator_table("Indicators, nationwide", nationwide, area=False))
    for phase_key in dict.fromkeys(g.phase_key for g in result.gates):
        rows = [g for g in result.gates if g.phase_key == phase_key]
        table = Table(
            "area",
            "gate held",
            "why",
            Column("indicator values (latest week)", overflow="fold"),
            title=f"Gates to enter: {rows[0].phase_name}",
        )
        for g in rows:
            values = "\n".join(f"{key} {number(value)}" for key, value in g.values.items())
            table.add_row(g.gate.area.name, MARKS[g.held], g.reason, values or "—")
        console.print(table)
