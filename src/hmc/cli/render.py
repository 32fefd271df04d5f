"""Rich tables for the command line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from hmc.cli.base import lang as spoken
from hmc.cli.base import named, t, tn, when
from hmc.cli.base import number as written

if TYPE_CHECKING:  # the services load with the command that uses them
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
    from hmc.indicators.computing import ComputeReport
    from hmc.timeline.glance import Glance
    from hmc.timeline.status import CommissionStatus, IndicatorStatus

# Every text that comes from data (a configuration, a file name, an import) is escaped
# before Rich reads markup in it: "PIC [/] 2006" is a name, not a closing tag.


def mark(held: bool | None) -> str:
    """Yes, no or unknown, in colour."""
    if held is None:
        return f"[dim]{t('unknown')}[/]"
    return f"[green]{t('cli_yes')}[/]" if held else f"[red]{t('cli_no')}[/]"


def number(value: float | None) -> str:
    """A value as a person reads it: no data is never shown as zero."""
    if value is None:
        return f"[dim]{t('no_data')}[/]"
    return written(value, 0 if abs(value) >= 100 else 1)


def import_report(console: Console, report: ImportReport) -> None:
    name = escape(report.file_name)
    if report.already_imported:
        console.print(t("cli_already_imported", file=name, batch=report.batch_id))
        return
    summary = t(
        "cli_import_summary",
        file=name,
        format=report.format,
        rows=written(report.rows),
        events=written(report.events_added),
        counts=written(report.observations_added),
        duplicates=written(report.duplicates),
        linked=written(report.events_linked),
        start=when(report.coverage_start),
        end=when(report.coverage_end),
    )
    console.print(f"[green]{t('cli_import_done')}[/] {summary}")
    if report.rows_rejected:
        listed = t("cli_listed_in", file=escape(report.report or ""))
        console.print(f"[yellow]{t('cli_bad_rows', n=written(report.rows_rejected))}[/]: {listed}")


def sources(console: Console, infos: Sequence[SourceRead]) -> None:
    table = Table(
        *(t(f"cli_{k}") for k in ("source", "name", "family", "reliability", "events")),
        title=t("cli_sources_title"),
    )
    for s in infos:
        table.add_row(
            s.key,
            escape(s.name),
            s.family,
            f"{s.reliability} ({s.reliability_means})",
            f"{s.events:,}",
        )
    console.print(table if infos else t("cli_no_sources"))


def batches(console: Console, infos: Sequence[BatchInfo]) -> None:
    heads = ("file", "format", "source", "events", "counts", "covers", "imported")
    table = Table("#", *(t(f"cli_{k}") for k in heads), title=t("cli_imports_title"))
    for b in infos:
        table.add_row(
            str(b.id),
            escape(b.file_name),
            b.format,
            escape(b.source_name),
            f"{b.events:,}",
            f"{b.observations:,}",
            t("cli_from_to", start=b.coverage_start, end=b.coverage_end),
            b.imported_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table if infos else t("cli_nothing_imported"))


def events(console: Console, total: int, found: Sequence[EventRead]) -> None:
    heads = ("id", "date", "source", "grade", "category", "where", "deaths", "actors")
    table = Table(*(t(f"cli_{k}") for k in heads))
    for e in found:
        where = e.governorate or e.location or e.country
        deaths = "" if e.deaths is None else f"{e.deaths:g}"
        linked = f" [dim]({t('cli_same_as', id=e.duplicate_of)})[/]" if e.duplicate_of else ""
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
    console.print(table if found else t("cli_no_events"))
    if total > len(found):
        console.print(t("cli_events_shown", shown=written(len(found)), total=written(total)))


def event(console: Console, detail: EventDetail) -> None:
    e = detail.event
    said = t(
        "cli_event_from",
        source=e.source,
        ref=escape(e.external_key),
        date=when(e.occurred_on),
        precision=e.date_precision,
        category=e.category,
    )
    console.print(f"[bold]{t('cli_event', id=e.id)}[/] {said}")
    place = ", ".join(p for p in (e.location, e.governorate or "", e.country) if p)
    console.print(f"{t('cli_where')}: {escape(place) or t('unknown')}", highlight=False)
    why = {"grade": e.grade, "means": detail.reliability_means, "why": detail.credibility_why}
    console.print(t("cli_grade_line", **why))
    for link in detail.links:
        undone = t("cli_undone_by", who=escape(link.undone_by))
        state = undone if link.undone_at else t("linked")
        said = t(
            "cli_link",
            id=link.id,
            state=state,
            source=link.other_source,
            ref=escape(link.other_external_key),
            reason=escape(link.reason),
        )
        console.print(f"  {said}")
    for account in detail.accounts:
        text = escape(account.text)
        said = t("cli_account_of", party=account.party, category=account.category, text=text)
        console.print(f"  {said}")
    if e.description:
        console.print(escape(e.description), highlight=False)


def formats(console: Console, infos: Sequence[FormatInfo]) -> None:
    heads = ("format", "source", "reads")
    table = Table(*(t(f"cli_{k}") for k in heads), title=t("cli_formats_title"))
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
            table.add_row(f"[bold]{escape(named(ind.factor))}[/]", end_section=False)
        threshold = (
            ""
            if ind.threshold is None
            else f"{'≤' if ind.better == 'lower' else '≥'} {written(ind.threshold)}"
        )
        shown = number(s.value)
        if s.disputed:
            shown = f"[yellow]{t('disputed')}[/]"
        elif s.value is None and s.latest_value is not None:
            shown += f" ({t('cli_last', value=number(s.latest_value))})"
        elif s.value is None and ind.kind == "rated":
            shown += f" [dim]({t('cli_not_yet_rated')})[/]"
        place = escape(named(s.area)) if s.area else t("cli_national")
        where = f" [dim]{place}[/]" if area else ""
        week = s.latest_period.isoformat() if s.latest_period else "—"
        table.add_row(f"  {ind.key}{where}", shown, threshold, mark(s.met), week)


def _indicator_table(title: str, rows: Sequence[IndicatorStatus], *, area: bool) -> Table:
    longest = max((len(s.indicator.key) + 2 for s in rows), default=9)
    table = Table(
        Column(t("cli_indicator"), no_wrap=True, min_width=longest),
        Column(t("cli_latest_week"), overflow="fold"),
        Column(t("cli_threshold"), no_wrap=True),
        Column(t("cli_met"), no_wrap=True),
        Column(t("cli_week_of"), no_wrap=True),
        title=title,
    )
    _indicator_rows(
        table, sorted(rows, key=lambda s: s.indicator.factor.key) if area else rows, area=area
    )
    return table


def indicators(console: Console, result: CommissionStatus) -> None:
    name = escape(named(result.commission))
    title = t("cli_indicators_as_of", name=name, date=when(result.as_of))
    console.print(_indicator_table(title, result.indicators, area=True))
    freshness(console, result)


def status(console: Console, result: CommissionStatus) -> None:
    """The conditions table: per phase and area, the gate, its state and the values behind it."""
    name = f"[bold]{escape(named(result.commission))}[/] ({result.commission.id})"
    console.print("\n" + t("cli_status_of", name=name, date=when(result.as_of)))
    freshness(console, result)
    nationwide = result.for_area(None)
    console.print(_indicator_table(t("cli_nationwide_title"), nationwide, area=False))
    phases = {p.key: p for p in result.framework.phases}
    for phase_key in dict.fromkeys(g.phase_key for g in result.gates):
        rows = [g for g in result.gates if g.phase_key == phase_key]
        table = Table(
            Column(t("cli_area"), overflow="fold"),
            Column(t("cli_held"), no_wrap=True),
            Column(t("cli_why"), overflow="fold"),
            Column(t("cli_values"), no_wrap=True),
            title=t("cli_gates_to_enter", phase=escape(named(phases[phase_key]))),
        )
        for g in rows:
            values = "\n".join(f"{key} {number(value)}" for key, value in g.values.items())
            why = t(f"reason_{g.reason_code}", date=g.reason_date) + "".join(
                f"\n{t('on_rating_of', party=escape(party))}: {mark(held)}"
                for party, held in g.by_party.items()
            )
            table.add_row(escape(named(g.gate.area)), mark(g.held), why, values or "—")
        console.print(table)


def freshness(console: Console, result: CommissionStatus) -> None:
    """How old the newest evidence is, and a warning when values are stale."""
    if result.newest_evidence is None:
        console.print(t("cli_no_evidence"))
    else:
        days = (result.as_of - result.newest_evidence).days
        console.print(
            t(
                "cli_newest_evidence",
                date=when(result.newest_evidence),
                days=tn("cli_days", days),
                as_of=when(result.as_of),
            )
        )
    if result.assessment is not None:
        signed = result.assessment
        label = f" [yellow]({t('exercise_warning')})[/]" if signed.exercise else ""
        console.print(
            t("cli_rated_from", id=signed.id, name=escape(signed.name), date=when(signed.signed_on))
            + label,
            highlight=False,
        )
    if result.stale_since is not None:
        since = f"{result.stale_since:%Y-%m-%d %H:%M}"
        console.print(f"[yellow]{t('cli_stale')}[/] {t('cli_stale_since', since=since)}")


def load_report(console: Console, report: LoadReport) -> None:
    """What loading a configuration did: unchanged, or the new version and its changes."""
    name = f"{report.commission_id}: {escape(report.name)}"
    if not report.loaded:
        version = t("cli_version", n=report.version)
        console.print(f"[green]{t('cli_unchanged')}[/] {name} ({version})")
        return
    was = f" ({t('cli_was_version', n=report.previous)})" if report.previous else ""
    version = t("cli_as_version", n=report.version)
    console.print(f"[green]{t('cli_loaded')}[/] {name} {version}{was}")
    if report.previous is None:
        return
    for change in report.changes:
        console.print(f"  {change.change:<8} {change.kind} {change.key}", highlight=False)
    if not report.changes:
        console.print(f"  {t('cli_no_change')}")


def compute_report(console: Console, report: ComputeReport) -> None:
    """How many series of a commission were computed, and how many were up to date."""
    console.print(
        t(
            "cli_computed",
            commission=report.commission,
            n=written(report.computed),
            values=written(report.values),
        )
    )


def exercise(console: Console, made: Exercise, password: str) -> None:
    """How to sign in as the demonstration's members, and which round is the exercise."""
    if made.round_id is not None:
        console.print(t("cli_exercise_round", id=made.round_id))
    console.print(t("cli_sign_in_as", password=f"[bold]{password}[/]"), highlight=False)
    for member in made.members:
        party = member.party or "-"
        console.print(f"  {escape(member.username):<16} {party:<4} {member.role}", highlight=False)


def glance(console: Console, found: Glance) -> None:
    """The transition at a glance: per phase and area, the state and why, and when."""
    lang = spoken()
    table = Table(
        Column(t("glance_phase"), overflow="fold"),
        Column(t("cli_area"), overflow="fold"),
        Column(t("cli_held"), no_wrap=True),
        Column(t("cli_why"), overflow="fold"),
        Column(t("glance_when"), overflow="fold"),
        Column(t("glance_binding"), overflow="fold"),
        title=t("glance_title"),
    )
    current = found.framework
    for r in found.rows:
        w = r.when
        if r.phase.after is None:
            begins = "—"
        elif found.run is None:
            begins = t("glance_not_computed")
        elif w is None or w.p50 is None:
            begins = t("glance_beyond")
        else:
            low, high = (when(d) if d else "…" for d in (w.p10, w.p90))
            begins = f"{when(w.p50)} ({low} – {high})"
        if w is not None and w.by is not None and w.probability is not None:
            begins += "\n" + t("glance_by", p=f"{w.probability:.0%}", date=when(w.by))
        binding = named(current.indicator(w.binding)) if w and w.binding else "—"
        why = r.why(current, lang=lang) + (f" ({t('glance_exercise')})" if r.exercise else "")
        table.add_row(
            escape(named(r.phase)), escape(named(r.area)), mark(r.held), escape(why), begins,
            escape(binding),
        )  # fmt: skip
    console.print(table)
    if found.run is not None and not found.run.current:
        console.print(t("glance_stale_run"))
