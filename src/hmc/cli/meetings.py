"""Commands of working meetings: ``hmc meeting``, ``hmc decision`` and ``hmc action``.

Every command acts as a member (``--user``) who proves it with their password, as in
``hmc round``: what it writes is attributed to the member and audited, and what it shows is
what that member may see (a party's draft minutes are its own until shared).
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from hmc.actor import Actor
from hmc.cli import render_meetings
from hmc.cli.base import UserOption, as_member, console, day_option, sub_app, t, tn
from hmc.cli.base import number as written
from hmc.cli.base import when as day_said
from hmc.errors import InvalidInput
from hmc.framework.service import get_commission
from hmc.meetings import decisions, service
from hmc.meetings.calendar import ics
from hmc.meetings.views import calendar_rows, list_meetings, meeting_view
from hmc.settings import get_settings

meeting = sub_app("meeting", "Working meetings: schedule, attendees, agenda, minutes, calendar.")
decision = sub_app("decision", "Decisions of a meeting: propose, approve (both co-chairs).")
action = sub_app("action", "Actions of a meeting: who does what by when.")

MeetingId = Annotated[int, typer.Argument(help="The meeting's id (see 'hmc meeting list').")]
CommissionOption = Annotated[
    str | None,
    typer.Option(
        "--commission",
        "-c",
        metavar="ID",
        help="Commission id (default: the member's own, else HMC_DEFAULT_COMMISSION).",
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", metavar="en|ar", help="The text's language (default: its script's)."),
]


def _commission(given: str | None, actor: Actor) -> str:
    return given or actor.commission_id or get_settings().default_commission


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f'--at: "{text[:20]}" is not a time (HH:MM)', option="--at") from None


@meeting.command("list")
def list_(user: UserOption, commission: CommissionOption = None) -> None:
    """List a commission's meetings, newest first."""
    with as_member(user, write=False) as (session, actor):
        shown = _commission(commission, actor)
        found = list_meetings(session, viewer=actor, commission_id=shown)
    render_meetings.meetings(console, found, shown)


@meeting.command("schedule")
def schedule(
    title: Annotated[str, typer.Argument(help="The meeting's title.")],
    day: Annotated[
        date, typer.Option("--day", metavar="DATE", parser=day_option("--day"), help="YYYY-MM-DD.")
    ],
    at: Annotated[str, typer.Option("--at", metavar="HH:MM", help="When it starts.")],
    place: Annotated[str, typer.Option("--place", help="Where it is held.")],
    user: UserOption,
    format: Annotated[
        str, typer.Option("--format", help="in_person, video or hybrid.")
    ] = "in_person",
    duration: Annotated[int, typer.Option("--minutes", help="How long it lasts.")] = 120,
    timezone: Annotated[str, typer.Option("--timezone", help="e.g. Asia/Baghdad.")] = "UTC",
    lang: LangOption = None,
    commission: CommissionOption = None,
) -> None:
    """Schedule a meeting (a co-chair); its agenda is built from what changed before it."""
    start = _time(at)
    with as_member(user, write=True) as (session, actor):
        made = service.schedule(
            session,
            actor=actor,
            commission_id=_commission(commission, actor),
            title=title,
            day=day,
            start=start,
            place=place,
            format=format,
            duration=duration,
            timezone=timezone,
            lang=lang,
        )
        view = meeting_view(session, viewer=actor, meeting_id=made.id)
    console.print(
        t(
            "cli_meeting_scheduled",
            id=made.id,
            title=escape(made.title),
            day=day_said(made.day),
            agenda=tn("cli_agenda_items", len(view.agenda)),
        ),
        highlight=False,
    )


@meeting.command("show")
def show(meeting_id: MeetingId, user: UserOption) -> None:
    """A meeting: attendees, the agenda with the minutes you may see, decisions, actions."""
    with as_member(user, write=False) as (session, actor):
        view = meeting_view(session, viewer=actor, meeting_id=meeting_id)
    render_meetings.meeting(console, view)


@meeting.command("attendees")
def attendees(
    meeting_id: MeetingId,
    usernames: Annotated[list[str], typer.Argument(help="Members of your party who attend.")],
    user: UserOption,
) -> None:
    """Name your party's attendees (a co-chair), replacing its earlier list."""
    with as_member(user, write=True) as (session, actor):
        named = service.name_attendees(
            session, actor=actor, meeting_id=meeting_id, usernames=usernames
        )
    shown = t("list_separator").join(escape(n) for n in named)
    console.print(t("cli_attends", party=actor.party, id=meeting_id, names=shown), highlight=False)


@meeting.command("agenda")
def agenda(
    meeting_id: MeetingId,
    user: UserOption,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Add what changed and is not on it yet.")
    ] = False,
    add: Annotated[str | None, typer.Option("--add", metavar="SUBJECT")] = None,
    url: Annotated[str, typer.Option("--url", help="The added item's evidence page.")] = "",
    move: Annotated[int | None, typer.Option("--move", metavar="ITEM")] = None,
    to: Annotated[
        int, typer.Option("--to", metavar="N", help="Where --move puts it (1: first).")
    ] = 1,
    drop: Annotated[int | None, typer.Option("--drop", metavar="ITEM")] = None,
    restore: Annotated[int | None, typer.Option("--restore", metavar="ITEM")] = None,
    lang: LangOption = None,
) -> None:
    """Change the agenda (a co-chair): refresh it, add, move, drop or restore an item."""
    with as_member(user, write=True) as (session, actor):
        if refresh:
            added = service.refresh_agenda(session, actor=actor, meeting_id=meeting_id)
            items = tn("cli_agenda_items", added)
            console.print(t("cli_items_added", items=items, id=meeting_id))
        if add is not None:
            made = service.add_item(
                session, actor=actor, meeting_id=meeting_id, subject=add, url=url, lang=lang
            )
            console.print(t("cli_item_added", item=made, id=meeting_id))
        for item, position, dropped in (
            (move, to - 1, None),
            (drop, None, True),
            (restore, None, False),
        ):
            if item is not None:
                service.arrange_item(
                    session,
                    actor=actor,
                    meeting_id=meeting_id,
                    item_id=item,
                    position=position,
                    dropped=dropped,
                )
                console.print(t("cli_item_arranged", item=item, id=meeting_id))
        view = meeting_view(session, viewer=actor, meeting_id=meeting_id)
    render_meetings.meeting(console, view)


@meeting.command("minutes")
def minutes(
    meeting_id: MeetingId,
    item: Annotated[int, typer.Argument(help="The agenda item.")],
    user: UserOption,
    text: Annotated[str | None, typer.Option("--text", help="Your party's draft minutes.")] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="The version you start from (none: new).")
    ] = None,
    share: Annotated[
        bool, typer.Option("--share", help="Share your party's minutes (its co-chair).")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Save your party's draft minutes of an item, or share them with the other party."""
    if text is None and not share:
        raise InvalidInput("give --text, --share or both")
    with as_member(user, write=True) as (session, actor):
        if text is not None:
            saved = service.save_minutes(
                session,
                actor=actor,
                meeting_id=meeting_id,
                item_id=item,
                text=text,
                lang=lang,
                version=version,
            )
            said = t("cli_minutes_saved", party=actor.party, item=item, version=saved)
            console.print(said)
        if share:
            service.share_minutes(session, actor=actor, meeting_id=meeting_id, item_id=item)
            console.print(t("cli_minutes_shared", party=actor.party, item=item))


@meeting.command("ics")
def calendar(
    user: UserOption,
    out: Annotated[Path, typer.Option("--out", help="The .ics file to write.")],
    commission: CommissionOption = None,
) -> None:
    """Write the commission's meetings and open actions' due dates as an iCalendar file."""
    with as_member(user, write=False) as (session, actor):
        shown = _commission(commission, actor)
        name = get_commission(session, commission_id=shown).name
        meetings, actions = calendar_rows(session, viewer=actor, commission_id=shown)
    out.write_bytes(ics(shown, name, meetings, actions))
    open_actions = sum(a.state == "open" for a in actions)
    console.print(
        t(
            "cli_calendar_written",
            file=escape(str(out)),
            meetings=written(len(meetings)),
            actions=written(open_actions),
        ),
        highlight=False,
    )


@decision.command("propose")
def propose(
    meeting_id: MeetingId,
    text: Annotated[str, typer.Argument(help="What is decided.")],
    user: UserOption,
    phase: Annotated[str | None, typer.Option("--phase", help="The phase it binds.")] = None,
    area: Annotated[str | None, typer.Option("--area", help="The area it binds.")] = None,
    on: Annotated[
        date | None,
        typer.Option("--on", metavar="DATE", parser=day_option("--on"), help="A date it binds."),
    ] = None,
    when: Annotated[str | None, typer.Option("--when", help="The gate's new condition.")] = None,
    not_before: Annotated[
        str | None, typer.Option("--not-before", metavar="DATE", help="'' removes it.")
    ] = None,
    no_later_than: Annotated[
        str | None, typer.Option("--no-later-than", metavar="DATE", help="'' removes it.")
    ] = None,
    item: Annotated[int | None, typer.Option("--item", help="The agenda item.")] = None,
    amends: Annotated[int | None, typer.Option("--amends", help="A standing decision.")] = None,
    lang: LangOption = None,
) -> None:
    """Propose a decision (a co-chair); a change of the gate of --phase in --area takes
    effect as a new framework version once both co-chairs approve."""
    given = {"when": when, "not_before": not_before, "no_later_than": no_later_than}
    change = {k: v for k, v in given.items() if v is not None}
    with as_member(user, write=True) as (session, actor):
        made = decisions.propose(
            session,
            actor=actor,
            meeting_id=meeting_id,
            text=text,
            lang=lang,
            phase=phase,
            area=area,
            binds_on=on,
            change=change,
            item_id=item,
            amends=amends,
        )
    console.print(t("cli_decision_proposed", id=made))


@decision.command("approve")
def approve(
    meeting_id: MeetingId,
    decision_id: Annotated[int, typer.Argument(help="The decision.")],
    version: Annotated[int, typer.Option("--version", help="The version you read.")],
    user: UserOption,
) -> None:
    """Approve the version of a decision you read (a co-chair)."""
    with as_member(user, write=True) as (session, actor):
        state = decisions.approve(
            session, actor=actor, meeting_id=meeting_id, decision_id=decision_id, version=version
        )
        found = next(
            d
            for d in meeting_view(session, viewer=actor, meeting_id=meeting_id).decisions
            if d.id == decision_id
        )
    waiting = t("cli_it_stands" if state == "stands" else "cli_waiting_other_co_chair")
    console.print(t("cli_decision_approved", party=actor.party, id=decision_id, state=waiting))
    if found.framework_version:
        console.print(t("cli_change_took_effect", version=found.framework_version))


@action.command("add")
def add(
    meeting_id: MeetingId,
    text: Annotated[str, typer.Argument(help="What is to be done.")],
    owner: Annotated[str, typer.Option("--owner", help="The member who does it.")],
    due: Annotated[
        date, typer.Option("--due", metavar="DATE", parser=day_option("--due"), help="By when.")
    ],
    user: UserOption,
    item: Annotated[int | None, typer.Option("--item", help="The agenda item.")] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option("--evidence", metavar="KIND:REF", help="e.g. event:12, url:https://…"),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Record an action (a co-chair): its owner, due date and evidence."""
    links = [dict(zip(("kind", "ref"), e.split(":", 1), strict=False)) for e in evidence or []]
    with as_member(user, write=True) as (session, actor):
        made = service.add_action(
            session,
            actor=actor,
            meeting_id=meeting_id,
            text=text,
            owner=owner,
            due=due,
            item_id=item,
            evidence=links,
            lang=lang,
        )
    console.print(
        t("cli_action_recorded", id=made, owner=escape(owner), date=day_said(due)),
        highlight=False,
    )


@action.command("state")
def state(
    meeting_id: MeetingId,
    action_id: Annotated[int, typer.Argument(help="The action.")],
    new: Annotated[str, typer.Argument(metavar="STATE", help="open, done or dropped.")],
    user: UserOption,
) -> None:
    """Mark an action open, done or dropped (a co-chair, or the owner's party)."""
    with as_member(user, write=True) as (session, actor):
        service.set_action_state(
            session, actor=actor, meeting_id=meeting_id, action_id=action_id, state=new
        )
    console.print(t("cli_action_is", id=action_id, state=t(f"action_{new}")))
