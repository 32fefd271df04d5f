"""100 signed-in clients at once on a real server, some of them drafting the same ratings:
no 5xx, no lost write, no draft shown to the other party, an intact audit chain.

Writers race on purpose: several save the same party's rating of the same item. Each save
names the version it started from; a stale one gets 409 and is retried on the new version.
Every save answered 200 must then be in the database: the rating's final version is the
number of saves, its text the last save's, and each save has its audit record.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import date

import httpx
from sqlalchemy import Engine, text

from hmc.accounts import create_token, get_member
from hmc.actor import Actor
from hmc.assessment import service
from hmc.audit.service import verify
from hmc.storage import get_engine, session_scope
from serving import serving

CLIENTS = 100
WRITERS = 30  # the others read: the round, the dashboard, the status
SAVES = 3  # per writer
DRAFTERS = ["us-co-chair", "us-analyst", "us-member", "iq-co-chair", "iq-analyst", "iq-member"]
READERS = ["us-observer", "iq-observer", "admin", "iq-analyst", "us-analyst"]
IRAQ = "hmc-iraq-2024"


def hidden(name: str) -> set[str]:
    """The parties whose drafts ``name`` must not see: all but their own, if they draft."""
    own = {name[:2]} if name in DRAFTERS else set()
    return {"us", "iq"} - own


def _setup(engine: Engine) -> tuple[int, list[int], dict[str, str]]:
    """A round in drafting, its item ids, and an API token per member."""
    with session_scope(engine) as session:
        chair = get_member(session, username="us-co-chair").actor
        opened = service.open_round(
            session, actor=chair, commission_id=IRAQ, name="Under load", as_of=date(2024, 3, 3)
        )
        tokens = {
            name: create_token(
                session, actor=Actor.system("tests"), username=name, name="load", days=1
            )
            for name in {*DRAFTERS, *READERS}
        }
    with session_scope(engine) as session:
        items = [
            int(i)
            for i in session.execute(
                text("SELECT id FROM round_item WHERE round_id = :r ORDER BY position"),
                {"r": opened.id},
            ).scalars()
        ]
    return opened.id, items, tokens


async def _run(base: str, round_id: int, items: list[int], tokens: dict[str, str]) -> dict:
    limits = httpx.Limits(
        max_connections=CLIENTS, max_keepalive_connections=CLIENTS, keepalive_expiry=2.0
    )
    statuses: Counter[int] = Counter()
    saved: list[tuple[int, str, int, str]] = []  # item, party, version, rationale
    leaks: list[str] = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=180) as client:

        def auth(name: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens[name]}"}

        async def version_of(name: str, item: int) -> int | None:
            answer = await client.get(f"/api/rounds/{round_id}", headers=auth(name))
            statuses[answer.status_code] += 1
            party = name[:2]
            for found in answer.json()["items"]:
                if found["id"] == item:
                    rating = found["ratings"].get(party)
                    return None if rating is None else rating["version"]
            raise AssertionError(f"no item {item}")

        async def writer(n: int) -> None:
            name = DRAFTERS[n % len(DRAFTERS)]
            for k in range(SAVES):
                item = items[(n + k) % 3]  # three items, so that writers collide
                rationale = f"{name[:2]} draft by writer {n}, save {k}"
                version = await version_of(name, item)
                for _ in range(50):
                    body = {
                        "level": 1 + (n + k) % 5,
                        "confidence": "medium",
                        "rationale": rationale,
                        "evidence": [],
                        "version": version,
                    }
                    answer = await client.put(
                        f"/api/items/{item}/rating", json=body, headers=auth(name)
                    )
                    statuses[answer.status_code] += 1
                    if answer.status_code == 200:
                        saved.append((item, name[:2], answer.json()["version"], rationale))
                        break
                    assert answer.status_code == 409, answer.text
                    version = answer.json()["error"]["details"]["current_version"]
                else:
                    raise AssertionError(f"writer {n} never saved")

        async def reader(n: int) -> None:
            name = READERS[n % len(READERS)]
            for url in (f"/api/rounds/{round_id}", f"/api/commissions/{IRAQ}/status", "/api/me"):
                answer = await client.get(url, headers=auth(name))
                statuses[answer.status_code] += 1
                leaks.extend(
                    f"{name} saw {p}'s draft"
                    for p in hidden(name)
                    if f"{p} draft by" in answer.text
                )

        jobs = [writer(n) for n in range(WRITERS)] + [reader(n) for n in range(CLIENTS - WRITERS)]
        random.Random(7).shuffle(jobs)
        await asyncio.gather(*jobs)
    return {"statuses": statuses, "saved": saved, "leaks": leaks}


def _check(engine: Engine, result: dict) -> None:
    assert not [s for s in result["statuses"] if s >= 500], result["statuses"]
    assert set(result["statuses"]) <= {200, 409}, result["statuses"]
    assert result["statuses"][409] > 0  # the writers did collide: the locking was exercised
    assert result["leaks"] == []
    saved = result["saved"]
    assert len(saved) == WRITERS * SAVES
    with session_scope(engine) as session:
        stored = {
            (item, party): (version, rationale)
            for item, party, version, rationale in session.execute(
                text("SELECT item_id, party_key, version, rationale FROM rating")
            ).all()
        }
        drafts = session.execute(
            text("SELECT count(*) FROM audit_record WHERE action = 'draft'")
        ).scalar_one()
        assert verify(session).intact
    per_rating = Counter((item, party) for item, party, _, _ in saved)
    for key, count in per_rating.items():
        last = max((v, r) for i, p, v, r in saved if (i, p) == key)
        assert stored[key] == last  # the final version counts every save; the last text won
        assert last[0] == count
    assert drafts >= len(saved)


def _load(engine: Engine) -> None:
    round_id, items, tokens = _setup(engine)
    with serving() as base:
        result = asyncio.run(_run(base, round_id, items, tokens))
    _check(engine, result)


def test_concurrent_drafts_on_sqlite(demo_copy: Engine) -> None:
    get_engine.cache_clear()
    _load(get_engine())


def test_concurrent_drafts_on_postgres(hmc_on_postgres_demo: str) -> None:
    _load(get_engine())
