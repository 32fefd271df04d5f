"""``hmc serve --workers N``, and several servers on one PostgreSQL database.

Nothing a member relies on lives in one process's memory: a session made by one server is
honoured (and ended) by another, failed sign-ins count on every server, and the writes of
all of them go into one audit chain.
"""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hmc.audit.models import AuditRecord
from hmc.cli import app
from hmc.storage import get_engine, session_scope
from serving import served, sign_in_async

PASSWORD = "correct horse battery staple"
SIGN_INS = 4  # concurrent sign-ins, half on each server (under the 5 one account may have pending)


def _cli(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def members_on_postgres(hmc_on_postgres: str) -> str:
    """A fresh PostgreSQL database with the shipped commissions and two administrators."""
    _cli("init")
    for username, name in (("root", "Root Admin"), ("guard", "Guard Admin")):
        _cli(
            "member", "add", username, "--name", name, "--role", "admin", input=f"{PASSWORD}\n" * 2
        )
    return hmc_on_postgres


async def _sign_in(base: str, username: str, password: str) -> tuple[list[int], httpx.Cookies]:
    async with httpx.AsyncClient(base_url=base) as client:
        statuses = await sign_in_async(client, username, password)
        return statuses, client.cookies


async def _together(bases: list[str]) -> list[list[int]]:
    signed = await asyncio.gather(
        *(_sign_in(bases[n % 2], "root", PASSWORD) for n in range(SIGN_INS))
    )
    return [statuses for statuses, _ in signed]


def _count(action: str) -> int:
    with session_scope(get_engine()) as session:
        found = select(func.count()).where(AuditRecord.action == action)
        return session.scalar(found.select_from(AuditRecord)) or 0


def test_two_servers_share_sessions_limits_and_the_audit_chain(members_on_postgres: str) -> None:
    url = members_on_postgres
    with served(url, workers=2) as one, served(url) as two:
        statuses, cookies = asyncio.run(_sign_in(one, "root", PASSWORD))
        assert statuses == [200, 303]
        account = httpx.get(f"{two}/account", cookies=cookies)  # served by the other server
        assert account.status_code == 200 and "Root Admin" in account.text

        for base in (one, two, one, two, one):  # the limit is 5 failed sign-ins per account
            assert asyncio.run(_sign_in(base, "guard", "wrong"))[0] == [200, 401]
        assert asyncio.run(_sign_in(two, "guard", PASSWORD))[0] == [200, 429]
        assert asyncio.run(_sign_in(one, "guard", PASSWORD))[0] == [200, 429]

        assert asyncio.run(_together([one, two])) == [[200, 303]] * SIGN_INS

        csrf = re.search(r'name="csrf" value="([^"]+)"', account.text)
        assert csrf is not None
        out = httpx.post(f"{two}/sign-out", cookies=cookies, data={"csrf": csrf.group(1)})
        assert out.status_code == 303
        after = httpx.get(f"{one}/account", cookies=cookies)
        assert after.status_code in (303, 307) and "/sign-in" in after.headers["location"]

    assert _count("sign_in") == 1 + SIGN_INS and _count("sign_out") == 1
    assert "intact" in _cli("audit", "verify").lower()
