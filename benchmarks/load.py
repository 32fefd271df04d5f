"""The server under load: 100 concurrent clients, on SQLite and on PostgreSQL.

For each database, ``hmc demo --no-serve`` builds the demo data, ``hmc serve --workers 2``
serves it in processes of their own, and 100 clients (asyncio, httpx) ask one URL at a time,
each several times. Printed per URL, one line each::

    load: db=D workers=N clients=N url=U rps=X p50_ms=X p95_ms=X five_xx=N

(requests per second, the median and 95th percentile latency, answers that were a 5xx).
The baseline, measured in the same run, is a small static file (/static/favicon.svg): what
the server costs without the database.

Every page and API endpoint needs a signed-in member: each client carries a personal API
token of its own, made before the clock starts (one per client, as 'hmc token create' makes
them), so every request measured is also checked against the database like a member's. The
first row is signing in itself: the 100 clients each sign in once through the sign-in form,
all at once (its latency: the form and the sign-in together).

PostgreSQL runs on a throwaway cluster from tests/postgres.py (Debian's server binaries).

Run: ``make bench``. Prints figures; it asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

from hmc.accounts import create_token
from hmc.actor import Actor
from hmc.exercise import PASSWORD
from hmc.storage import get_engine, session_scope

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import postgres  # the tests' throwaway PostgreSQL server
from serving import HMC, served, sign_in_async  # hmc serve in a process; signing in

CLIENTS = 100
WORKERS = 2  # hmc serve --workers: one per core of a 2-core machine
EACH = 3  # requests per client per URL
URLS = [
    "/static/favicon.svg",  # the baseline
    "/api/commissions",
    "/api/commissions/hmc-iraq-2024/status",
    "/api/commissions/pic-iraq-2006/status?as_of=2007-06-30",
    "/",
    "/commissions/pic-iraq-2006?as_of=2007-06-30",
]
MEMBERS = ["admin"] + [  # hmc demo's members, whose tokens and sessions the clients use
    f"{party}-{role}"
    for party in ("us", "iq")
    for role in ("co-chair", "analyst", "member", "observer")
]


def hmc(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the hmc command on the database ``url``."""
    env = {**os.environ, "HMC_DATABASE_URL": url}
    return subprocess.run([str(HMC), *args], env=env, capture_output=True, text=True, check=True)


def tokens(url: str) -> list[str]:
    """A personal API token for each client, on the database ``url``."""
    engine = get_engine(url)
    try:
        with session_scope(engine) as session:
            return [
                create_token(
                    session,
                    actor=Actor.system("benchmark"),
                    username=MEMBERS[number % len(MEMBERS)],
                    name=f"benchmark {number}",
                )
                for number in range(CLIENTS)
            ]
    finally:
        engine.dispose()
        get_engine.cache_clear()


async def clients(stack: AsyncExitStack, base: str, bearer: list[str]) -> list[httpx.AsyncClient]:
    """CLIENTS clients, each with its own token (none: not signed in) and its own connection.

    A connection is dropped before the server's 5 s keep-alive ends, so that no request is
    sent on a connection the server is closing at that moment.
    """
    limits = httpx.Limits(max_connections=1, keepalive_expiry=2.0)
    made = []
    for number in range(CLIENTS):
        headers = {"Authorization": f"Bearer {bearer[number]}"} if bearer else {}
        client = httpx.AsyncClient(base_url=base, limits=limits, headers=headers, timeout=300)
        made.append(await stack.enter_async_context(client))
    return made


async def hammer(base: str, path: str, bearer: list[str]) -> tuple[float, list[float], int, int]:
    """CLIENTS clients asking ``path`` EACH times: seconds in all, latencies, 5xx answers and
    answers that were not a 200."""
    latencies: list[float] = []
    failed = other = 0
    async with AsyncExitStack() as stack:
        everyone = await clients(stack, base, bearer)

        async def one(client: httpx.AsyncClient) -> None:
            nonlocal failed, other
            for _ in range(EACH):
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - start)
                failed += response.status_code >= 500
                other += response.status_code != 200

        await everyone[0].get(path)  # warm: the first answer may build caches
        start = time.perf_counter()
        await asyncio.gather(*(one(client) for client in everyone))
        return time.perf_counter() - start, latencies, failed, other


async def signing_in(base: str) -> tuple[float, list[float], int, int]:
    """CLIENTS clients signing in at once through the form, once each: seconds in all,
    latencies, 5xx answers and sign-ins that did not succeed (a 303 on to the dashboard)."""
    latencies: list[float] = []
    failed = other = 0
    async with AsyncExitStack() as stack:
        everyone = await clients(stack, base, [])

        async def one(number: int, client: httpx.AsyncClient) -> None:
            nonlocal failed, other
            start = time.perf_counter()
            statuses = await sign_in_async(client, MEMBERS[number % len(MEMBERS)], PASSWORD)
            latencies.append(time.perf_counter() - start)
            failed += any(status >= 500 for status in statuses)
            other += statuses[1:] != [303]

        start = time.perf_counter()
        await asyncio.gather(*(one(number, client) for number, client in enumerate(everyone)))
        return time.perf_counter() - start, latencies, failed, other


def show(
    db: str, url: str, seconds: float, latencies: list[float], failed: int, other: int
) -> None:
    cuts = statistics.quantiles(latencies, n=20)
    print(
        f"load: db={db} workers={WORKERS} clients={CLIENTS} url={url}"
        f" rps={len(latencies) / seconds:.1f} p50_ms={cuts[9] * 1000:.0f}"
        f" p95_ms={cuts[18] * 1000:.0f} five_xx={failed}",
        flush=True,
    )
    if other:  # a fast 401 or 404 is no figure of the page asked for
        print(f"  ({other} answers of {url} were not what was asked for)", file=sys.stderr)


def measure(db: str, url: str) -> None:
    """Print the figures of every URL on the database ``url``."""
    bearer = tokens(url)
    with served(url, workers=WORKERS) as base:
        show(db, "POST/sign-in", *asyncio.run(signing_in(base)))
        for path in URLS:
            show(db, path, *asyncio.run(hammer(base, path, bearer)))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{folder}/hmc.db"
        hmc(sqlite, "demo", "--no-serve")
        measure("sqlite", sqlite)
    cluster = postgres.start_cluster()
    try:
        url = cluster.create_database()
        hmc(url, "demo", "--no-serve")
        measure("postgresql", url)
    finally:
        postgres.stop_cluster(cluster)


if __name__ == "__main__":
    main()
