"""Under 100 concurrent clients a real server answers every request, on SQLite and PostgreSQL.

It used to answer about 20, then nothing for 30 s, then 500s: each request held a pooled
connection while it waited for a worker thread.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from hmc.cli import app
from hmc.storage import get_engine
from serving import serving

CLIENTS = 100
ROUNDS = 2
URLS = ["/api/commissions", "/api/commissions/hmc-iraq-2024/status", "/"]


async def _clients(base: str) -> Counter[int]:
    """CLIENTS clients at once, each asking every URL ROUNDS times; how often each status came."""
    # a pooled connection is dropped before the server's 5 s keep-alive ends, so that no
    # request is sent on a connection the server is closing at that moment
    limits = httpx.Limits(
        max_connections=CLIENTS, max_keepalive_connections=CLIENTS, keepalive_expiry=2.0
    )
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:

        async def one() -> list[int]:
            return [(await client.get(url)).status_code for _ in range(ROUNDS) for url in URLS]

        answers = await asyncio.gather(*(one() for _ in range(CLIENTS)))
    return Counter(status for statuses in answers for status in statuses)


def _load(base: str) -> None:
    assert asyncio.run(_clients(base)) == {200: CLIENTS * ROUNDS * len(URLS)}


def test_100_concurrent_clients_on_sqlite(demo_engine: Engine) -> None:
    get_engine.cache_clear()  # the server's engine: the demo database
    with serving() as base:
        _load(base)


@pytest.fixture
def demo_on_postgres(hmc_on_postgres: str) -> str:
    """The demo database built on a fresh PostgreSQL database."""
    result = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return hmc_on_postgres


def test_100_concurrent_clients_on_postgres(demo_on_postgres: str) -> None:
    with serving() as base:
        _load(base)
