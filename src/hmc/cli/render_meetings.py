"""Working meetings on the command line: Rich tables of a meeting as its viewer may see it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from hmc.cli.base import lang, t, when

if TYPE_CHECKING:  # the services load with the command that uses them
    from hmc.meetings.records import DecisionInfo, MeetingInfo, MeetingView


def _start(m: MeetingInfo) -> str:
    return f"{m.start.strftime('%H:%M')} {m.timezone}"


def _exercise(m: MeetingInfo) -> str:
    return f" [dim]({t('cli_an_exercise')})[/]" if m.exercise else ""


def meetings(console: Console, infos: Sequence[MeetingInfo], commission_id: str) -> None:
    """The commission's meetings, newest first."""
    if not infos:
        console.print(t("cli_no_meetings", commission=escape(commission_id)), highlight=False)
        return
    table = Table(
        Column(t("cli_id"), no_wrap=True, justify="right"),
        Column(t("cli_title"), overflow="fold", ratio=1),
        Column(t("cli_when"), no_wrap=True),
        Column(t("cli_place"), overflow="fold"),
        Column(t("cli_format"), no_wrap=True),
        title=t("cli_meetings_of", commission=escape(commission_id)),
    )
    for m in infos:
        table.add_row(
            str(m.id),
            escape(m.title) + _exercise(m),
            f"{m.day.isoformat()} {_start(m)}",
            escape(m.place),
            t(f"format_{m.format}"),
        )
    console.print(table)


def _agenda(view: MeetingView) -> Table:
    table = Table(
        Column(t("cli_item"), no_wrap=True, justify="right"),
        Column("#", no_wrap=True, justify="right"),
        Column(t("cli_kind"), no_wrap=True),
        Column(t("cli_subject"), overflow="fold", ratio=1),
        Column(t("cli_minutes"), overflow="fold", ratio=1),
        title=t("agenda"),
    )
    draft = f" ({t('draft')})"
    for i in view.agenda:
        minutes = t("cli_semicolon").join(
            f"{p}{'' if x.shared_at else draft}: {escape(x.text)}" for p, x in i.minutes.items()
        )
        position = t("dropped") if i.dropped else str(i.position + 1)
        subject = escape(i.title(lang())[0])
        table.add_row(str(i.id), position, t(f"agenda_{i.kind}"), subject, minutes or "—")
    return table


def _decision(d: DecisionInfo) -> str:
    approved = t("list_separator").join(a.party for a in d.approvals) or t("cli_nobody_yet")
    bound = (
        ("cli_phase", d.phase),
        ("cli_area", d.area),
        ("cli_on", when(d.binds_on) if d.binds_on else None),
    )
    binds = t("list_separator").join(
        t(k, date=v) if k == "cli_on" else f"{t(k)} {escape(v)}" for k, v in bound if v
    )
    said = [
        f"{t('cli_decision', id=d.id, version=d.version)} \\[{t(f'decision_{d.state}')}]"
        f" {escape(d.text)}" + (f" ({t('cli_binds', what=binds)})" if binds else ""),
        t("cli_approved_by", parties=approved),
    ]
    if d.framework_version:
        said.append(t("cli_took_effect", version=d.framework_version))
    return t("cli_semicolon").join(said)


def meeting(console: Console, view: MeetingView) -> None:
    """A meeting: when and where, who attends, the agenda with minutes, decisions, actions."""
    m = view.meeting
    console.print(f"[bold]{escape(m.title)}[/] ({t('cli_meeting', id=m.id)}){_exercise(m)}")
    at = t(
        "cli_meeting_at",
        day=when(m.day),
        start=m.start.strftime("%H:%M"),
        timezone=m.timezone,
        duration=m.duration,
        place=escape(m.place),
        format=t(f"format_{m.format}"),
    )
    since = when(view.since) if view.since else t("since_start")
    console.print(f"{at}{t('cli_semicolon')}{t('cli_agenda_since', since=since)}", highlight=False)
    for party in view.parties:
        names = [escape(a.username) for a in view.attendees if a.party == party]
        shown = t("list_separator").join(names) or t("not_named")
        console.print(t("cli_attending_for", party=party, names=shown), highlight=False)
    console.print(_agenda(view))
    for d in view.decisions:
        console.print(_decision(d), highlight=False)
    for a in view.actions:
        late = f" [red]{t('overdue')}[/]" if a.overdue(m.day) else ""
        console.print(
            f"{t('cli_action', id=a.id)} \\[{t(f'action_{a.state}')}]"
            f" {t('cli_due', date=when(a.due))}{late} {a.owner_party}/{escape(a.owner)}:"
            f" {escape(a.text)}",
            highlight=False,
        )
