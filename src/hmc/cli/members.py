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
from hmc.actor import Actor
from hmc.cli.base import console, errors, read_password, sub_app, t, writing
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
    where = (
        t("cli_party_of", party=added.party, commission=added.commission_id)
        if added.party
        else t("cli_no_party")
    )
    console.print(
        f"[green]{t('cli_added')}[/] {added.username} ({added.role}, {where})", highlight=False
    )


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
        console.print(t("cli_no_members"))
        return
    table = Table(
        *(Column(t(f"cli_{k}"), overflow="fold") for k in ("username", "name", "party")),
        *(Column(t(f"cli_{k}"), no_wrap=True) for k in ("role", "active")),
        title=t("cli_members_of", commission=escape(commission))
        if commission
        else t("cli_members"),
    )
    for info in infos:
        table.add_row(
            info.username,
            escape(info.name),
            _party(info, with_commission=commission is None),
            info.role,
            f"[green]{t('cli_yes')}[/]" if info.active else f"[red]{t('cli_no')}[/]",
        )
    console.print(table)


@member.command("disable")
def disable(username: Username) -> None:
    """Disable a member: their sessions end and their API tokens are revoked."""
    with writing() as session:
        done = disable_member(session, actor=Actor.system("hmc member"), username=username)
    console.print(t("cli_disabled", username=done.username), highlight=False)


@member.command("reset-password")
def reset(username: Username) -> None:
    """Set a member's password (asked for as in 'hmc member add'); their sessions end."""
    password = read_password(confirm=True)
    with writing() as session:
        done = reset_password(
            session, actor=Actor.system("hmc member"), username=username, password=password
        )
    console.print(t("cli_password_reset", username=done.username), highlight=False)


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
    errors.print(t("cli_keep_token"), highlight=False, soft_wrap=True)


def _state(info: TokenInfo, now: datetime) -> str:
    if info.revoked_at is not None:
        return f"[red]{t('cli_revoked')}[/] {info.revoked_at:%Y-%m-%d}"
    if info.expires_at is not None and info.expires_at <= now:
        return f"[red]{t('cli_expired')}[/]"
    return f"[green]{t('cli_token_active')}[/]"


@token.command("list")
def list_tokens_(username: Username) -> None:
    """List a member's API tokens (never the tokens themselves)."""
    with session_scope(open_database(write=False)) as session:
        infos = list_tokens(session, username=username)
    if not infos:
        console.print(t("cli_no_tokens", username=username))
        return
    table = Table(
        Column(t("cli_id"), no_wrap=True),
        Column(t("cli_name"), overflow="fold"),
        *(Column(t(f"cli_{k}"), no_wrap=True) for k in ("created", "expires", "state")),
        title=t("cli_tokens_of", username=escape(username)),
    )
    now = datetime.now(UTC).replace(tzinfo=None)  # as every time is stored
    for info in infos:
        table.add_row(
            str(info.id),
            escape(info.name),
            f"{info.created_at:%Y-%m-%d %H:%M}",
            f"{info.expires_at:%Y-%m-%d}" if info.expires_at else t("cli_never"),
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
    console.print(t("cli_token_revoked", id=done.id, name=escape(done.name)), highlight=False)
