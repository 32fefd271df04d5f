"""Commands for the audit trail: ``hmc audit verify``, ``hmc audit head``, ``hmc audit types``."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from hmc.cli.base import console, progress, sub_app, t
from hmc.errors import ChainBroken, InvalidInput

audit = sub_app(
    "audit", "The hash-chained audit trail: verify it, print its head, list its record types."
)

HeadOption = Annotated[
    str | None,
    typer.Option(
        "--head",
        metavar="HASH",
        help="A head printed earlier by 'hmc audit head' and kept outside hmc:"
        " check it is still in the chain (records cut off its end are found this way).",
    ),
]


def parse_head(text: str | None) -> str | None:
    if text is None:
        return None
    held = text.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", held):
        raise InvalidInput(
            f'--head: "{text}" is not an audit head (64 hexadecimal digits)', option="--head"
        )
    return held


@audit.command()
def verify(held: HeadOption = None) -> None:
    """Check every record against its hash and the record before it; name the first bad one."""
    from hmc.audit import service
    from hmc.storage import open_database, session_scope

    expected = parse_head(held)
    with progress() as bar, session_scope(open_database(write=False)) as session:
        task = bar.add_task(t("cli_verifying"), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        found = service.verify(session, expected_head=expected, progress=advance)
    if not found.intact:
        raise ChainBroken(f"audit chain broken: {found.problem}", seq=found.bad_seq)
    console.print(
        t("cli_chain_intact", records=found.records, head=found.head),
        highlight=False,
        soft_wrap=True,
    )
    if expected is not None:
        console.print(t("cli_held_head_found", seq=found.held_at), highlight=False)


@audit.command()
def head() -> None:
    """Print the hash of the chain's last record (to keep outside hmc, for 'verify --head')."""
    from hmc.audit import service
    from hmc.storage import open_database, session_scope

    with session_scope(open_database(write=False)) as session:
        console.print(service.head(session), highlight=False, soft_wrap=True)


@audit.command()
def types() -> None:
    """List the types of audit records: the name to filter by, what it is about, its label."""
    from hmc.audit.types import TYPES

    for kind in TYPES:
        console.print(f"{kind.name:<18} {kind.about:<10} {t(kind.label)}", highlight=False)
