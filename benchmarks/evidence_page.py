"""The evidence page at a million events: time to its first byte, first page and an older one.

The events are UCDP GED rows made and imported as benchmarks/import_speed.py makes them
(into a SQLite file of its own); the server is the real app on a free local port, and a
member asks with a personal API token. The baseline, in the same run: the sign-in form,
which reads no events.

Run: ``make bench`` (or ``python benchmarks/evidence_page.py [EVENTS]``). The last line is
``evidence_page: events=N first_byte_ms=X``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import httpx

from hmc.accounts import add_member, create_token
from hmc.framework.service import load_commission, shipped_commissions
from hmc.settings import get_settings
from hmc.storage import get_engine, migrate, session_scope

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from import_speed import ACTOR, ROWS, timed_import, write_rows  # the same rows

from serving import serving  # the app on a free local port

TRIES = 5


def first_byte(client: httpx.Client, url: str) -> tuple[float, str]:
    """The fastest of TRIES: milliseconds to the first byte of ``url``, and the whole body."""
    best, body = float("inf"), ""
    for _ in range(TRIES):
        start = time.perf_counter()
        with client.stream("GET", url) as answer:
            answer.raise_for_status()
            chunks = answer.iter_bytes()
            first = next(chunks)
            best = min(best, (time.perf_counter() - start) * 1000)
            body = (first + b"".join(chunks)).decode()
    return best, body


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/hmc.db"
        os.environ["HMC_DATABASE_URL"] = url  # the server's database too
        get_settings.cache_clear()
        engine = get_engine(url)
        migrate(engine)
        with session_scope(engine) as session:
            for config in shipped_commissions():  # the categories come from the configuration
                load_commission(session, path=config, actor=ACTOR)
        path = Path(folder) / "ged.csv"
        write_rows(path, rows)
        _, events, _ = timed_import(engine, path)
        with session_scope(engine) as session:
            add_member(session, actor=ACTOR, username="reader", name="Reader", role="admin",
                       password="benchmark-password", commission_id=None, party=None)  # fmt: skip
            token = create_token(session, actor=ACTOR, username="reader", name="benchmark")
        with serving() as base, httpx.Client(base_url=base, timeout=120) as client:
            client.headers["Authorization"] = f"Bearer {token}"
            baseline, _ = first_byte(client, "/sign-in")
            first, page = first_byte(client, "/evidence")
            older = page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
            second, _ = first_byte(client, older.replace("&amp;", "&"))
        print(f"sign-in form (baseline): {baseline:.0f} ms; older page: {second:.0f} ms")
        print(f"evidence_page: events={events} first_byte_ms={first:.0f}")


if __name__ == "__main__":
    main()
