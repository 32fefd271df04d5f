"""Rich tables for the command line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from hmc.evidence.schemas import (
    BatchInfo,
    EventDetail,
    EventRead,
    FormatInfo,
    ImportReport,
    SourceRead,
)
from hmc.exercise import Exercise
from hmc.framework.service import LoadReport
from hmc.indicators.service import ComputeReport
from hmc.timeline.status import CommissionStatus, IndicatorStatus

# Every text that comes from data (a configuration, a file name, an import) is escaped
# before Rich reads markup in it: "PIC [/] 2006" is a name, not a closing tag.

MARKS = {True: "[green]yes[/]", False: "[red]no[/]", None: "[dim]unknown[/]"}


def number(value: float | None) -> str:
    """A value as a person reads it: no data is never shown as zero."""
    if value is None:
        return "[dim]no data[/]"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def import_report(console: Console, report: ImportReport) -> None:
    if report.already_imported:
        console.print(
            f"{escape(report.file_name)}: already imported (batch {report.batch_id}); nothing added"
        )
        return
    console.print(
        f"[green]imported[/] {escape(report.file_name)} as {report.format}: {report.rows:,} rows, "
        f"{report.events_added:,} events, {report.observations_added:,} counts added, "
        f"{report.duplicates:,} duplicates skipped, {report.events_linked:,} linked to other "
        f"sources' reports; covers {report.coverage_start} to {report.coverage_end}"
    )
    if report.rows_rejected:
        console.print(
            f"[yellow]{report.rows_rejected:,} bad rows skipped[/]: listed in "
            f"{escape(report.report or '')}"
        )


def sources(console: Console, infos: Sequence[SourceRead]) -> None:
    table = Table("source", "name", "family", "reliability", "events", title="Evidence sources")
    for s in infos:
        table.add_row(
            s.key,
            escape(s.name),
            s.family,
            f"{s.reliability} ({s.reliability_means})",
            f"{s.events:,}",
        )
    console.print(table if infos else "no sources yet (see 'hmc import --help')")


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
            escape(b.file_name),
            b.format,
            escape(b.source_name),
            f"{b.events:,}",
            f"{b.observations:,}",
            f"{b.coverage_start} to {b.coverage_end}",
            b.imported_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table if infos else "nothing imported yet (see 'hmc import --help')")


def events(console: Console, total: int, found: Sequence[EventRead]) -> None:
    table = Table("id", "date", "source", "grade", "category", "where", "deaths", "actors")
    for e in found:
        where = e.governorate or e.location or e.country
        deaths = "" if e.deaths is None else f"{e.deaths:g}"
        linked = f" [dim](same as {e.duplicate_of})[/]" if e.duplicate_of else ""
        table.add_row(
            f"{e.id}{linked}",
            e.occurred_on.isoformat(),
            e.source,
            e.grade,
            e.category,
            escape(where[:40]),
            deaths,
            escape(" / ".join(a for a in (e.actor1, e.actor2) if a)[:60]),
        )
    console.print(table if found else "no events match")
    if total > len(found):
        console.print(f"{len(found):,} of {total:,} events shown (--limit, or --export for all)")


def event(console: Console, detail: EventDetail) -> None:
    e = detail.event
    console.print(
        f"[bold]event {e.id}[/] from {e.source} (its id {escape(e.external_key)}), "
        f"{e.occurred_on} ({e.date_precision}), {e.category}"
    )
    place = ", ".join(p for p in (e.location, e.governorate or "", e.country) if p)
    console.print(f"where: {escape(place) or 'not known'}", highlight=False)
    console.print(f"grade {e.grade}: source {detail.reliability_means}; {detail.credibility_why}")
    for link in detail.links:
        state = f"undone by {link.undone_by}" if link.undone_at else "linked"
        console.print(
            f"  link {link.id} ({state}): {link.other_source} {escape(link.other_external_key)}"
            f" — {escape(link.reason)}"
        )
    for account in detail.accounts:
        console.print(f"  account of {account.party}: {account.category} — {escape(account.text)}")
    if e.description:
        console.print(escape(e.description), highlight=False)


def formats(console: Console, infos: Sequence[FormatInfo]) -> None:
    table = Table("format", "source", "what it reads", title="Evidence formats")
    for info in infos:
        table.add_row(info.name, escape(info.source_name), escape(info.description))
    console.print(table)


def _indicator_rows(table: Table, rows: Sequence[IndicatorStatus], *, area: bool) -> None:
    """One row per indicator, under a heading row per factor (so the table fits 80 columns)."""
    factor = None
    for s in rows:
        ind = s.indicator
        if ind.factor.key != factor:
            factor = ind.factor.key
            table.add_row(f"[bold]{escape(ind.factor.name)}[/]", end_section=False)
        threshold = (
            ""
            if ind.threshold is None
            else f"{'≤' if ind.better == 'lower' else '≥'} {ind.threshold:g}"
        )
        shown = number(s.value)
        if s.disputed:
            shown = "[yellow]disputed[/]"
        elif s.value is None and s.latest_value is not None:
            shown += f" (last: {number(s.latest_value)})"
        elif s.value is None and ind.kind == "rated":
            shown += " [dim](not yet rated)[/]"
        where = f" [dim]{escape(s.area.name) if s.area else 'national'}[/]" if area else ""
        week = s.latest_period.isoformat() if s.latest_period else "—"
        table.add_row(f"  {ind.key}{where}", shown, threshold, MARKS[s.met], week)


def _indicator_table(title: str, rows: Sequence[IndicatorStatus], *, area: bool) -> Table:
    longest = max((len(s.indicator.key) + 2 for s in rows), default=9)
    table = Table(
        Column("indicator", no_wrap=True, min_width=longest),
        Column("latest week", overflow="fold"),
        Column("threshold", no_wrap=True),
        Column("met", no_wrap=True),
        Column("week of", no_wrap=True),
        title=title,
    )
    _indicator_rows(
        table, sorted(rows, key=lambda s: s.indicator.factor.key) if area else rows, area=area
    )
    return table


def indicators(console: Console, result: CommissionStatus) -> None:
    title = f"{escape(result.commission.name)}: indicators as of {result.as_of}"
    console.print(_indicator_table(title, result.indicators, area=True))
    freshness(console, result)


def status(console: Console, result: CommissionStatus) -> None:
    """The conditions table: per phase and area, the gate, its state and the values behind it."""
    console.print(
        f"\n[bold]{escape(result.commission.name)}[/] ({result.commission.id}),"
        f" as of {result.as_of}"
    )
    freshness(console, result)
    nationwide = result.for_area(None)
    console.print(_indicator_table("Indicators, nationwide", nationwide, area=False))
    for phase_key in dict.fromkeys(g.phase_key for g in result.gates):
        rows = [g for g in result.gates if g.phase_key == phase_key]
        table = Table(
            Column("area", overflow="fold"),
            Column("held", no_wrap=True),
            Column("why", overflow="fold"),
            Column("values (latest week)", no_wrap=True),
            title=f"Gates to enter: {escape(rows[0].phase_name)}",
        )
        for g in rows:
            values = "\n".join(f"{key} {number(value)}" for key, value in g.values.items())
            why = g.reason + "".join(
                f"\non the {escape(party)} rating: {MARKS[held]}"
                for party, held in g.by_party.items()
            )
            table.add_row(escape(g.gate.area.name), MARKS[g.held], why, values or "—")
        console.print(table)


def freshness(console: Console, result: CommissionStatus) -> None:
    """How old the newest evidence is, and a warning when values are stale."""
    if result.newest_evidence is None:
        console.print("newest evidence: none imported yet (see 'hmc import --help')")
    else:
        days = (result.as_of - result.newest_evidence).days
        console.print(
            f"newest evidence: {result.newest_evidence}"
            f" ({days:,} day{'s' * (days != 1)} before {result.as_of})"
        )
    if result.assessment is not None:
        signed = result.assessment
        label = " [yellow](an exercise, not a real assessment)[/]" if signed.exercise else ""
        console.print(
            f'rated indicators: joint ratings of round {signed.id} "{escape(signed.name)}",'
            f" signed on {signed.signed_on}{label}",
            highlight=False,
        )
    if result.stale_since is not None:
        console.print(
            f"[yellow]stale:[/] values may be out of date since"
            f" {result.stale_since:%Y-%m-%d %H:%M} (evidence or the framework changed since"
            " they were computed); run 'hmc indicators'"
        )


def load_report(console: Console, report: LoadReport) -> None:
    """What loading a configuration did: unchanged, or the new version and its changes."""
    name = f"{report.commission_id}: {escape(report.name)}"
    if not report.loaded:
        console.print(f"[green]unchanged[/] {name} (version {report.version})")
        return
    was = f" (was version {report.previous})" if report.previous else ""
    console.print(f"[green]loaded[/] {name} as version {report.version}{was}")
    if report.previous is None:
        return
    for change in report.changes:
        console.print(f"  {change.change:<8} {change.kind} {change.key}", highlight=False)
    if not report.changes:
        console.print("  no change to the framework (only the file's text)")


def compute_report(console: Console, report: ComputeReport) -> None:
    """How many series of a commission were computed, and how many were up to date."""
    console.print(
        f"{report.commission}: {report.computed} indicator series computed"
        f" ({report.values:,} values), the others were up to date"
    )


def exercise(console: Console, made: Exercise, password: str) -> None:
    """How to sign in as the demonstration's members, and which round is the exercise."""
    if made.round_id is not None:
        console.print(
            f"exercise round {made.round_id} signed by both co-chairs (not a real assessment)"
        )
    console.print(
        f"sign in as one of these demonstration members (password [bold]{password}[/]):",
        highlight=False,
    )
    for member in made.members:
        party = member.party or "-"
        console.print(f"  {escape(member.username):<16} {party:<4} {member.role}", highlight=False)
