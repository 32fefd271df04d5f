"""The server under load: 100 concurrent clients, on SQLite and on PostgreSQL.

For each database, ``hmc demo --no-serve`` builds the demo data, ``hmc serve`` serves it in a
process of its own, and 100 clients (asyncio, httpx) ask one URL at a time, each several
times. Printed per URL: requests per second, the median and 95th percentile latency, and how
many answers were a 5xx. The baseline, measured in the same run, is a small static file
(/static/favicon.svg): what the server costs without the database.

PostgreSQL runs on a throwaway cluster from tests/postgres.py (Debian's server binaries).

Run: ``make bench``. Prints figures; it asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import postgres  # the tests' throwaway PostgreSQL server

HMC = Path(sys.executable).with_name("hmc")
CLIENTS = 100
EACH = 3  # requests per client per URL
URLS = [
    "/static/favicon.svg",  # the baseline
    "/api/commissions",
    "/api/commissions/hmc-iraq-2024/status",
    "/api/commissions/pic-iraq-2006/status?as_of=2007-06-30",
    "/",
    "/commissions/pic-iraq-2006?as_of=2007-06-30",
]


def hmc(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the hmc command on the database ``url``."""
    env = {**os.environ, "HMC_DATABASE_URL": url}
    return subprocess.run([str(HMC), *args], env=env, capture_output=True, text=True, check=True)


@contextmanager
def served(url: str) -> Iterator[str]:
    """``hmc serve`` on a free port for the database ``url``; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HMC_DATABASE_URL": url}
    server = subprocess.Popen(
        [str(HMC), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/static/favicon.svg").raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"hmc serve did not start: {server.stderr}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.communicate(timeout=30)


async def hammer(base: str, path: str) -> tuple[float, list[float], int]:
    """CLIENTS clients asking ``path`` EACH times: seconds in all, latencies, 5xx answers."""
    # a pooled connection is dropped before the server's 5 s keep-alive ends, so that no
    # request is sent on a connection the server is closing at that moment
    limits = httpx.Limits(
        max_connections=CLIENTS, max_keepalive_connections=CLIENTS, keepalive_expiry=2.0
    )
    latencies: list[float] = []
    failed = 0
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=300) as client:

        async def one() -> None:
            nonlocal failed
            for _ in range(EACH):
                start = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - start)
                failed += response.status_code >= 500

        await client.get(path)  # warm: the first answer may build caches
        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(CLIENTS)))
        return time.perf_counter() - start, latencies, failed


def measure(name: str, url: str) -> None:
    """Print the figures of every URL on the database ``url``."""
    print(f"{name}: {CLIENTS} concurrent clients, {EACH} requests each per URL")
    with served(url) as base:
        for path in URLS:
            seconds, latencies, failed = asyncio.run(hammer(base, path))
            cuts = statistics.quantiles(latencies, n=20)
            print(
                f"  {path:55} {len(latencies) / seconds:7.1f} req/s"
                f"  p50 {cuts[9] * 1000:6.0f} ms  p95 {cuts[18] * 1000:6.0f} ms  5xx {failed}"
            )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{folder}/hmc.db"
        hmc(sqlite, "demo", "--no-serve")
        measure("SQLite", sqlite)
    cluster = postgres.start_cluster()
    try:
        url = cluster.create_database()
        hmc(url, "demo", "--no-serve")
        measure("PostgreSQL", url)
    finally:
        postgres.stop_cluster(cluster)


if __name__ == "__main__":
    main()
