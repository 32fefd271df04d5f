"""Working meetings on the command line: Rich tables of a meeting as its viewer may see it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from hmc.meetings.records import MeetingInfo, MeetingView


def _when(m: MeetingInfo) -> str:
    return f"{m.day} {m.start.strftime('%H:%M')} {m.timezone}"


def meetings(console: Console, infos: Sequence[MeetingInfo], commission_id: str) -> None:
    """The commission's meetings, newest first."""
    if not infos:
        console.print(
            f"{escape(commission_id)} has no meetings yet (see 'hmc meeting schedule --help')",
            highlight=False,
        )
        return
    table = Table(
        Column("id", no_wrap=True, justify="right"),
        Column("title", overflow="fold", ratio=1),
        Column("when", no_wrap=True),
        Column("place", overflow="fold"),
        Column("format", no_wrap=True),
        title=f"Working meetings of {escape(commission_id)}",
    )
    for m in infos:
        title = escape(m.title) + (" [dim](exercise)[/]" if m.exercise else "")
        table.add_row(str(m.id), title, _when(m), escape(m.place), m.format.replace("_", " "))
    console.print(table)


def meeting(console: Console, view: MeetingView) -> None:
    """A meeting: when and where, who attends, the agenda with minutes, decisions, actions."""
    m = view.meeting
    console.print(
        f"[bold]{escape(m.title)}[/] (meeting {m.id}{', exercise' if m.exercise else ''})",
        highlight=False,
    )
    console.print(
        f"{_when(m)}, {m.duration} min, {escape(m.place)} ({m.format.replace('_', ' ')});"
        f" agenda of what changed since {view.since or 'the start'}",
        highlight=False,
    )
    for party in view.parties:
        names = [escape(a.username) for a in view.attendees if a.party == party]
        console.print(f"attending for {party}: {', '.join(names) or 'not named yet'}")
    agenda = Table(
        Column("item", no_wrap=True, justify="right"),
        Column("#", no_wrap=True, justify="right"),
        Column("kind", no_wrap=True),
        Column("subject", overflow="fold", ratio=1),
        Column("minutes", overflow="fold", ratio=1),
        title="Agenda",
    )
    for i in view.agenda:
        minutes = "; ".join(
            f"{p}{'' if x.shared_at else ' (draft)'}: {escape(x.text)}"
            for p, x in i.minutes.items()
        )
        position = "dropped" if i.dropped else str(i.position + 1)
        agenda.add_row(str(i.id), position, i.kind, escape(i.subject), minutes or "—")
    console.print(agenda)
    for d in view.decisions:
        approved = ", ".join(a.party for a in d.approvals) or "nobody yet"
        binds = ", ".join(
            f"{k} {v}" for k, v in (("phase", d.phase), ("area", d.area), ("on", d.binds_on)) if v
        )
        took = d.framework_version
        console.print(
            f"decision {d.id} v{d.version} \\[{d.state}] {escape(d.text)}"
            f"{f' (binds {binds})' if binds else ''}; approved by {approved}"
            f"{f'; took effect in framework version {took}' if took else ''}",
            highlight=False,
        )
    for a in view.actions:
        late = " [red]overdue[/]" if a.overdue(m.day) else ""
        console.print(
            f"action {a.id} \\[{a.state}] due {a.due}{late} {a.owner_party}/{escape(a.owner)}:"
            f" {escape(a.text)}",
            highlight=False,
        )
