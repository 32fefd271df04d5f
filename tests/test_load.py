"""Under 100 concurrent clients a real server answers every request, on SQLite and PostgreSQL.

It used to answer about 20, then nothing for 30 s, then 500s: each request held a pooled
connection while it waited for a worker thread.

Every client is signed in, so every request is also checked against a session or a token:
one browser per demo member signs in through the sign-in form, all at once, and the other
clients are scripts, each with a personal API token made beforehand.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.accounts import create_token
from hmc.actor import Actor
from hmc.storage import get_engine, session_scope
from serving import serving, sign_in_async

CLIENTS = 100
ROUNDS = 2
URLS = ["/api/commissions", "/api/commissions/hmc-iraq-2024/status", "/"]
MEMBERS = [  # hmc demo's members
    "admin",
    *(f"{party}-{role}" for party in ("us", "iq") for role in ("co-chair", "analyst")),
    *(f"{party}-{role}" for party in ("us", "iq") for role in ("member", "observer")),
]
BROWSERS = len(MEMBERS)  # the clients that sign in through the form; the rest have tokens


def _tokens() -> list[str]:
    """A personal API token for each script client, as 'hmc token create' makes them."""
    with session_scope(get_engine()) as session:
        return [
            create_token(
                session,
                actor=Actor.system("tests"),
                username=MEMBERS[number % len(MEMBERS)],
                name=f"load test {number}",
            )
            for number in range(CLIENTS - BROWSERS)
        ]


async def _clients(base: str, tokens: list[str]) -> Counter[int]:
    """CLIENTS clients at once, each signed in and asking every URL ROUNDS times; how often
    each status came (the browsers' sign-in form and sign-in included)."""

    async def one(number: int) -> list[int]:
        # a client of its own (its own cookies), on one connection that is dropped before the
        # server's 5 s keep-alive ends, so that no request is sent on one it is closing
        limits = httpx.Limits(max_connections=1, keepalive_expiry=2.0)
        script = number >= BROWSERS
        headers = {"Authorization": f"Bearer {tokens[number - BROWSERS]}"} if script else {}
        async with httpx.AsyncClient(
            base_url=base, limits=limits, headers=headers, timeout=120
        ) as client:
            statuses = [] if script else await sign_in_async(client, MEMBERS[number], DEMO_PASSWORD)
            for _ in range(ROUNDS):
                statuses += [(await client.get(url)).status_code for url in URLS]
            return statuses

    answers = await asyncio.gather(*(one(number) for number in range(CLIENTS)))
    return Counter(status for statuses in answers for status in statuses)


def _load(base: str, tokens: list[str]) -> None:
    # each browser: the form (200) and signing in (303); then every URL, 200 for everyone
    expected = {200: BROWSERS + CLIENTS * ROUNDS * len(URLS), 303: BROWSERS}
    assert asyncio.run(_clients(base, tokens)) == expected


def test_100_concurrent_clients_on_sqlite(demo_copy: Engine) -> None:
    tokens = _tokens()  # on a copy of the demo database: signing in writes
    get_engine.cache_clear()  # the server's engine of its own
    with serving() as base:
        _load(base, tokens)


def test_100_concurrent_clients_on_postgres(hmc_on_postgres_demo: str) -> None:
    tokens = _tokens()
    with serving() as base:
        _load(base, tokens)
