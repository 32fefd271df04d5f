"""Commands for members and their API tokens: ``hmc member ...``, ``hmc token ...``.

A password is asked twice, hidden, on a terminal; otherwise it is read from the first line
of standard input, so a script can pipe it in (``printf '%s\\n' "$PW" | hmc member add ...``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Column, Table

from hmc.accounts import (
    Actor,
    MemberInfo,
    TokenInfo,
    add_member,
    create_token,
    disable_member,
    list_members,
    list_tokens,
    reset_password,
    revoke_token,
)
from hmc.cli.base import console, errors, read_password, sub_app, writing
from hmc.settings import get_settings
from hmc.storage import open_database, session_scope

member = sub_app("member", "Members of the parties, and the installation's administrators.")
token = sub_app("token", "Personal API tokens (Authorization: Bearer …).")

Username = Annotated[str, typer.Argument(help="The member's username (2–64 of a-z 0-9 . _ -).")]


def _party(info: MemberInfo, *, with_commission: bool) -> str:
    if info.party is None:
        return "[dim]—[/]"
    return f"{info.commission_id}/{info.party}" if with_commission else info.party


@member.command("add")
def add(
    username: Username,
    name: Annotated[str, typer.Option("--name", help="The member's full name.")],
    role: Annotated[
        str, typer.Option("--role", help="co_chair, member, analyst, observer or admin.")
    ],
    commission: Annotated[
        str | None,
        typer.Option(
            "--commission",
            "-c",
            help="The commission of the member's party (default: HMC_DEFAULT_COMMISSION;"
            " none for an admin).",
        ),
    ] = None,
    party: Annotated[
        str | None, typer.Option("--party", "-p", help="The party's id, e.g. us or iq.")
    ] = None,
) -> None:
    """Add a member of a party (or an administrator); the password is asked for."""
    if commission is None and role != "admin":
        commission = get_settings().default_commission
    password = read_password(confirm=True)
    with writing() as session:
        added = add_member(
            session,
            actor=Actor.system("hmc member"),
            username=username,
            name=name,
            role=role,
            password=password,
            commission_id=commission,
            party=party,
        )
    where = f"party {added.party} of {added.commission_id}" if added.party else "no party"
    console.print(f"[green]added[/] {added.username} ({added.role}, {where})", highlight=False)


@member.command("list")
def list_(
    commission: Annotated[
        str | None,
        typer.Option("--commission", "-c", help="Only this commission's members."),
    ] = None,
) -> None:
    """List the members: username, name, party, role, and whether they are active."""
    with session_scope(open_database(write=False)) as session:
        infos = list_members(session, commission_id=commission)
    if not infos:
        console.print("no members yet (see 'hmc member add --help')")
        return
    table = Table(
        Column("username", overflow="fold"),
        Column("name", overflow="fold"),
        Column("party", overflow="fold"),
        Column("role", no_wrap=True),
        Column("active", no_wrap=True),
        title=f"Members of {escape(commission)}" if commission else "Members",
    )
    for info in infos:
        table.add_row(
            info.username,
            escape(info.name),
            _party(info, with_commission=commission is None),
            info.role,
            "[green]yes[/]" if info.active else "[red]no[/]",
        )
    console.print(table)


@member.command("disable")
def disable(username: Username) -> None:
    """Disable a member: their sessions end and their API tokens are revoked."""
    with writing() as session:
        done = disable_member(session, actor=Actor.system("hmc member"), username=username)
    console.print(
        f"disabled {done.username}: their sessions ended and their API tokens were revoked",
        highlight=False,
    )


@member.command("reset-password")
def reset(username: Username) -> None:
    """Set a member's password (asked for as in 'hmc member add'); their sessions end."""
    password = read_password(confirm=True)
    with writing() as session:
        done = reset_password(
            session, actor=Actor.system("hmc member"), username=username, password=password
        )
    console.print(f"password of {done.username} reset; their sessions ended", highlight=False)


@token.command("create")
def create(
    username: Username,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    days: Annotated[
        int,
        typer.Option("--days", help="Days it lasts (0: it does not expire).", min=0, max=3650),
    ] = 90,
) -> None:
    """Make a personal API token for a member; it is shown this once."""
    with writing() as session:
        made = create_token(
            session,
            actor=Actor.system("hmc token"),
            username=username,
            name=name,
            days=days or None,
        )
    console.print(made, markup=False, highlight=False, soft_wrap=True)
    errors.print("This token cannot be shown again: keep it now.", highlight=False, soft_wrap=True)


def _state(info: TokenInfo, now: datetime) -> str:
    if info.revoked_at is not None:
        return f"[red]revoked[/] {info.revoked_at:%Y-%m-%d}"
    if info.expires_at is not None and info.expires_at <= now:
        return "[red]expired[/]"
    return "[green]active[/]"


@token.command("list")
def list_tokens_(username: Username) -> None:
    """List a member's API tokens (never the tokens themselves)."""
    with session_scope(open_database(write=False)) as session:
        infos = list_tokens(session, username=username)
    if not infos:
        console.print(f"{username} has no API tokens (see 'hmc token create --help')")
        return
    table = Table(
        Column("id", no_wrap=True),
        Column("name", overflow="fold"),
        Column("created", no_wrap=True),
        Column("expires", no_wrap=True),
        Column("state", no_wrap=True),
        title=f"API tokens of {escape(username)}",
    )
    now = datetime.now(UTC).replace(tzinfo=None)  # as every time is stored
    for info in infos:
        table.add_row(
            str(info.id),
            escape(info.name),
            f"{info.created_at:%Y-%m-%d %H:%M}",
            f"{info.expires_at:%Y-%m-%d}" if info.expires_at else "never",
            _state(info, now),
        )
    console.print(table)


@token.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see 'hmc token list').")],
) -> None:
    """Revoke an API token: it stops working at once."""
    with writing() as session:
        done = revoke_token(session, actor=Actor.system("hmc token"), token_id=token_id)
    console.print(f"revoked token {done.id} ({escape(done.name)})", highlight=False)
