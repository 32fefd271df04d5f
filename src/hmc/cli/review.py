"""``hmc review``: the queue of what hmc proposed from news, and a person's decision on each."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hmc.cli.base import CommissionOption, UserOption, as_member, console, day_option, sub_app

if TYPE_CHECKING:
    from hmc.news.schemas import DecisionWrite, ItemRead

review = sub_app("review", "Review what hmc proposes from news reports: accept, edit, reject.")
ItemId = Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="The item's id.")]
TopicOption = Annotated[
    str | None,
    typer.Option(
        metavar="TOPIC",
        help="A position's topic: timeline, sovereignty, self_defence, conditions, other"
        " (default: from its words).",
    ),
]


def _commission(commission: str | None) -> str:
    from hmc.settings import get_settings

    return commission or get_settings().default_commission


@review.command("list")
def list_(
    user: UserOption,
    commission: CommissionOption = None,
    state: Annotated[
        str, typer.Option(help="proposed, accepted, edited, rejected, merged, or all.")
    ] = "proposed",
) -> None:
    """List the items in the queue (default: those waiting for a decision)."""
    from hmc.news.review import list_items

    with as_member(user, write=False) as (session, actor):
        found = list_items(session, actor=actor, commission_id=_commission(commission),
                           state=None if state == "all" else state)  # fmt: skip
    table = Table(title=f"news items: {escape(state)}")
    for column in ("id", "state", "type", "category", "date", "governorate", "actor", "outlet"):
        table.add_column(column)
    for item in found:
        day = item.date or (f"{item.date_from}…{item.date_to}" if item.date_from else "")
        cells = (item.id, item.state, item.type, item.category, day, item.governorate or "",
                 item.actor or item.party or "", item.outlet)  # fmt: skip
        table.add_row(*(escape(str(c)) for c in cells))
    console.print(table)


@review.command()
def show(
    item_id: ItemId,
    user: UserOption,
    commission: CommissionOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one item: its fields, its sentence, its report, and events it may report again."""
    from hmc.news.review import item_detail

    with as_member(user, write=False) as (session, actor):
        detail = item_detail(session, actor=actor, commission_id=_commission(commission),
                             item_id=item_id)  # fmt: skip
    if as_json:
        typer.echo(json.dumps(detail.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    item = detail.item
    console.print(
        f"item {item.id} · {item.state} · from report {detail.report.id} "
        f"({escape(detail.report.outlet or detail.report.file_name)}, {detail.report.published})",
        highlight=False,
    )
    for name, value in item.model_dump(exclude={"sentence", "id", "state", "span"}).items():
        if value not in (None, ""):
            console.print(f"  {name}: {escape(str(value))}", highlight=False)
    console.print(f"  sentence: “{escape(item.sentence)}”", highlight=False)
    for match in detail.matches:
        console.print(
            f"  may be event {match.event_id} ({escape(match.source)}, {match.day},"
            f" {escape(match.place or match.governorate or '')}): merge with"
            f" 'hmc review accept {item.id} --merge {match.event_id}'",
            highlight=False,
        )


def _decide(item_id: int, user: str, commission: str | None, decision: DecisionWrite) -> None:
    from hmc.news.review import decide

    with as_member(user, write=True) as (session, actor):
        done = decide(session, actor=actor, commission_id=_commission(commission),
                      item_id=item_id, decision=decision)  # fmt: skip
    _decided(done)


def _decided(item: ItemRead) -> None:
    became = (
        f": event {item.event_id}" if item.event_id else
        f": count {item.observation_id}" if item.observation_id else ""
    )  # fmt: skip
    console.print(f"item {item.id} {item.state} by {item.decided_by}{became}", highlight=False)


@review.command()
def accept(
    item_id: ItemId,
    user: UserOption,
    commission: CommissionOption = None,
    merge: Annotated[
        int | None,
        typer.Option(min=1, max=2**31 - 1, help="The event it reports again (see 'show')."),
    ] = None,
    topic: TopicOption = None,
) -> None:
    """Accept an item as proposed (or merged with an event): it counts from now; audited."""
    from hmc.news.schemas import DecisionWrite

    decision = "merge" if merge is not None else "accept"
    _decide(item_id, user, commission,
            DecisionWrite(decision=decision, event_id=merge, topic=topic))  # fmt: skip


@review.command()
def edit(
    item_id: ItemId,
    user: UserOption,
    commission: CommissionOption = None,
    day: Annotated[
        date | None, typer.Option("--date", metavar="DATE", parser=day_option("--date"))
    ] = None,
    category: Annotated[str | None, typer.Option(help="The commission's category.")] = None,
    governorate: Annotated[str | None, typer.Option(help="The governorate's id.")] = None,
    place: Annotated[str | None, typer.Option()] = None,
    actor: Annotated[str | None, typer.Option()] = None,
    party: Annotated[str | None, typer.Option(help="The party it belongs to (us, iq).")] = None,
    killed: Annotated[int | None, typer.Option(min=0)] = None,
    count: Annotated[int | None, typer.Option(min=0)] = None,
    topic: TopicOption = None,
) -> None:
    """Change an item's fields, then accept it (audited with what was changed)."""
    from hmc.news.schemas import DecisionWrite, ItemEdit

    given = {"date": day, "category": category, "governorate": governorate, "place": place,
             "actor": actor, "party": party, "killed": killed, "count": count}  # fmt: skip
    changes = ItemEdit.model_validate({k: v for k, v in given.items() if v is not None})
    _decide(item_id, user, commission,
            DecisionWrite(decision="edit", changes=changes, topic=topic))  # fmt: skip


@review.command()
def reject(item_id: ItemId, user: UserOption, commission: CommissionOption = None) -> None:
    """Reject an item: it never counts (audited)."""
    from hmc.news.schemas import DecisionWrite

    _decide(item_id, user, commission, DecisionWrite(decision="reject"))


@review.command()
def outlet(
    name: Annotated[str, typer.Argument(help="The outlet, as its reports were imported.")],
    reliability: Annotated[str, typer.Option(metavar="A-F", help="Its reliability.")],
    user: UserOption,
    commission: CommissionOption = None,
) -> None:
    """Grade a news outlet's reliability, A-F (a co-chair; audited). Until then: F."""
    from hmc.news.becoming import grade_outlet

    with as_member(user, write=True) as (session, actor):
        source = grade_outlet(session, actor=actor, commission_id=_commission(commission),
                              outlet=name, reliability=reliability)  # fmt: skip
        key, letter = source.key, source.reliability
    console.print(f"{escape(key)}: reliability {letter}", highlight=False)


@review.command()
def positions(user: UserOption, commission: CommissionOption = None) -> None:
    """What each party said, when, on what, from accepted reports (newest first)."""
    from hmc.news.review import positions as recorded

    with as_member(user, write=False) as (session, actor):
        found = recorded(session, actor=actor, commission_id=_commission(commission))
    table = Table(title="positions")
    for column in ("date", "party", "topic", "who", "said", "report"):
        table.add_column(column)
    for p in found:
        cells = (p.said_on, p.party, p.topic, p.actor, p.quotation, p.report_id)
        table.add_row(*(escape(str(c)) for c in cells))
    console.print(table)
