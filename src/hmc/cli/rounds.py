"""Commands for assessment rounds: ``hmc round list|open|status|submit|sign|amend``.

Every command acts as a member (``--user``), who proves it with their password: the command
signs them in as the pages do, acts as them, and signs them out. So what a command writes
is attributed to the member and audited, the failed sign-in limits apply, and what a
command shows is what that member may see (a party's drafts are its own until both parties
have submitted).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape

from hmc.actor import Actor
from hmc.assessment import service
from hmc.assessment.views import RELEASED, divergence, list_rounds, parties, round_view
from hmc.cli import render_rounds
from hmc.cli.base import UserOption, as_member, console, day_option, sub_app, t, when
from hmc.settings import get_settings

round_ = sub_app("round", "Assessment rounds: open one, see where it stands, submit, sign, amend.")

RoundId = Annotated[int, typer.Argument(help="The round's id (see 'hmc round list').")]
CommissionOption = Annotated[
    str | None,
    typer.Option(
        "--commission",
        "-c",
        metavar="ID",
        help="Commission id (default: the member's own, else HMC_DEFAULT_COMMISSION).",
    ),
]


def _commission(given: str | None, actor: Actor) -> str:
    return given or actor.commission_id or get_settings().default_commission


@round_.command("list")
def list_(user: UserOption, commission: CommissionOption = None) -> None:
    """List a commission's rounds, newest first: state, who submitted, who signed."""
    with as_member(user, write=False) as (session, actor):
        shown = _commission(commission, actor)
        infos = list_rounds(session, viewer=actor, commission_id=shown)
    render_rounds.rounds(console, infos, shown)


@round_.command("open")
def open_(
    name: Annotated[str, typer.Argument(help='The round\'s name, e.g. "March 2024".')],
    as_of: Annotated[
        date,
        typer.Option(
            "--as-of",
            metavar="DATE",
            parser=day_option("--as-of"),
            help="The date the round assesses conditions on (YYYY-MM-DD).",
        ),
    ],
    user: UserOption,
    commission: CommissionOption = None,
    indicator: Annotated[
        list[str] | None,
        typer.Option(
            "--indicator",
            "-i",
            metavar="KEY",
            help="A rated indicator to assess (repeat; default: all).",
        ),
    ] = None,
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area", "-a", metavar="KEY", help="An area to assess (repeat; default: all)."
        ),
    ] = None,
    flag_gap: Annotated[
        int,
        typer.Option(
            "--flag-gap",
            metavar="LEVELS",
            help="Flag items the parties rate this many levels apart or more (1 to 10).",
        ),
    ] = service.DEFAULT_FLAG_GAP,
) -> None:
    """Open a round (a co-chair): an item per rated indicator (and area, for an area's)."""
    with as_member(user, write=True) as (session, actor):
        shown = _commission(commission, actor)
        opened = service.open_round(
            session,
            actor=actor,
            commission_id=shown,
            name=name,
            as_of=as_of,
            indicators=indicator or None,
            areas=area or None,
            flag_gap=flag_gap,
        )
        items = len(round_view(session, viewer=actor, round_id=opened.id).items)
    console.print(
        t(
            "cli_round_opened",
            id=opened.id,
            name=escape(opened.name),
            commission=escape(shown),
            as_of=when(opened.as_of),
            items=items,
        ),
        highlight=False,
    )


@round_.command("status")
def status(
    round_id: RoundId,
    user: UserOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON, for scripts.")] = False,
) -> None:
    """Where a round stands: its state, the ratings you may see, joint ratings, signatures."""
    with as_member(user, write=False) as (session, actor):
        view = round_view(session, viewer=actor, round_id=round_id)
        found = None
        if view.round.state in RELEASED:
            found = divergence(session, viewer=actor, round_id=round_id)
    if as_json:
        data = render_rounds.status_data(view, found)
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        render_rounds.round_status(console, view, found)


@round_.command("submit")
def submit(round_id: RoundId, user: UserOption) -> None:
    """Hand in your party's ratings (its co-chair); the round is released when all have."""
    with as_member(user, write=True) as (session, actor):
        done = service.submit(session, actor=actor, round_id=round_id)
        waiting = [p for p in parties(session, done.commission_id) if p not in done.submitted]
    console.print(t("cli_party_submitted", party=actor.party, id=done.id), highlight=False)
    if done.state == "released":
        console.print(t("cli_round_released", id=done.id), highlight=False)
    else:
        console.print(t("cli_waiting_for", parties=", ".join(waiting)), highlight=False)


@round_.command("sign")
def sign(round_id: RoundId, user: UserOption) -> None:
    """Sign the round's joint ratings (a co-chair); with both signatures it is final."""
    with as_member(user, write=True) as (session, actor):
        done = service.sign(session, actor=actor, round_id=round_id)
        view = round_view(session, viewer=actor, round_id=round_id)
    held = next(s.audit_head for s in view.signatures if s.party == actor.party)
    console.print(
        t("cli_member_signed", member=actor.name, id=done.id, party=actor.party, head=held),
        highlight=False,
        soft_wrap=True,
    )
    if done.state == "signed":
        assert done.signed_on is not None  # a signed round has its date
        console.print(t("cli_round_final", id=done.id, date=when(done.signed_on)), highlight=False)
    else:
        waiting = [p for p in view.parties if p not in done.signed_by]
        console.print(t("cli_waiting_for_co_chair", parties=", ".join(waiting)), highlight=False)


@round_.command("amend")
def amend(
    round_id: RoundId,
    user: UserOption,
    name: Annotated[
        str | None,
        typer.Option("--name", help='The new round\'s name (default: "NAME (amended)").'),
    ] = None,
) -> None:
    """Open a round amending a signed one (a co-chair): same items, the ratings as drafts."""
    with as_member(user, write=True) as (session, actor):
        new = service.amend(session, actor=actor, round_id=round_id, name=name)
        items = len(round_view(session, viewer=actor, round_id=new.id).items)
    console.print(
        t("cli_round_amends", id=new.id, name=escape(new.name), amended=round_id, items=items),
        highlight=False,
    )
