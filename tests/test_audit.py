"""The audit chain: what it stores hashes back the same, and every tampering is named.

Records are appended as the services append them (``lock_chain`` then ``record`` in one
transaction), tampered with in raw SQL, and checked with ``hmc audit verify``; on SQLite and
on a real PostgreSQL server, also with writers appending at the same time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from typer.testing import CliRunner

from hmc.actor import Actor
from hmc.audit import service
from hmc.audit.chain import GENESIS, content, digest
from hmc.audit.models import AuditRecord
from hmc.audit.service import lock_chain, record, trail
from hmc.cli import app
from hmc.evidence.models import Source
from hmc.settings import get_settings
from hmc.storage import get_engine, session_scope

TESTER = Actor.system("tests")
WHEN = datetime(2024, 1, 27, 9, 30, 15, 123456)  # microseconds must survive the database
NAMES = {"name": "الموصل — Mosul", "note": "é ü 中文", "missing": None, "x": 1.5}
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Engine:
    """An empty, migrated database that hmc's commands use: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        engine: Engine = request.getfixturevalue("engine")
        return engine
    request.getfixturevalue("hmc_on_migrated_postgres")
    return get_engine()


def append(engine: Engine, count: int, **fields: Any) -> list[str]:
    """Append ``count`` records, each in a transaction of its own; their hashes."""
    hashes = []
    for n in range(count):
        with session_scope(engine) as session:
            lock_chain(session)
            entry = record(
                session,
                actor=TESTER,
                action="update",
                object_type="rating",
                object_id=n + 1,
                commission_id="hmc-iraq-2024",
                before={"score": n},
                after={"score": n + 1, **NAMES},
                **fields,
            )
            hashes.append(entry.hash)
    return hashes


def tamper(engine: Engine, sql: str, **params: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def hmc(*args: str) -> tuple[int, str]:
    """Exit code and output (stdout, then stderr) of ``hmc audit ARGS``."""
    result = runner.invoke(app, ["audit", *args])
    return result.exit_code, result.stdout + result.stderr


def stored(engine: Engine, seq: int) -> dict[str, Any]:
    """Record ``seq`` as it reads back from the database."""
    with engine.connect() as connection:
        row = connection.execute(select(AuditRecord.__table__).where(AuditRecord.seq == seq)).one()
    return row._asdict()


def rewrite(engine: Engine, seq: int, **values: str) -> None:
    """Change record ``seq`` and give it the hash that its new content has."""
    changes = ", ".join(f"{column} = :{column}" for column in values)
    tamper(engine, f"UPDATE audit_record SET {changes} WHERE seq = :seq", seq=seq, **values)
    row = stored(engine, seq)
    forged = digest(content(row), prev=row["prev_hash"])
    tamper(
        engine, "UPDATE audit_record SET hash = :forged WHERE seq = :seq", forged=forged, seq=seq
    )


# --- What is stored hashes back the same ---------------------------------------------------


def test_content_round_trips(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "now", lambda: WHEN)
    with session_scope(db) as session:
        lock_chain(session)
        record(session, actor=TESTER, action="create", object_type="rating", object_id=1,
               after={"nested": {"b": [1, (2, 3)], "a": True}, **NAMES})  # fmt: skip
        record(session, actor=TESTER, action="note", object_type="rating", object_id=1,
               before={}, after={"missing": None}, private_to="us", released_with=7)  # fmt: skip
        record(session, actor=TESTER, action="note", object_type="rating", object_id=1,
               before=None, after={})  # fmt: skip
    first, second, third = (stored(db, seq) for seq in (1, 2, 3))
    assert first["at"] == WHEN
    assert first["after"] == {"nested": {"a": True, "b": [1, [2, 3]]}, **NAMES}
    assert first["before"] is None
    assert (second["before"], second["after"]) == ({}, {"missing": None})  # {} is not None
    assert (third["before"], third["after"]) == (None, {})  # {"missing": None} is not {}
    assert len({first["hash"], second["hash"], third["hash"]}) == 3
    prev = GENESIS
    for row in (first, second, third):
        assert row["hash"] == digest(content(row), prev=prev)
        prev = row["hash"]
    assert hmc("verify") == (0, f"audit chain intact: 3 records, head {third['hash']}\n")


def test_stored_json_may_be_reformatted(db: Engine) -> None:
    """The hash covers the values, not how the database spells them: key order, spaces, \\u."""
    append(db, 2)
    after = dict(reversed([("score", 2), *NAMES.items()]))
    spelled = json.dumps(after, indent=2, ensure_ascii=True)
    tamper(db, "UPDATE audit_record SET after = :value WHERE seq = 2", value=spelled)
    assert stored(db, 2)["after"] == after
    assert hmc("verify")[0] == 0


def test_a_value_json_cannot_hold_is_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"), session_scope(engine) as session:
        record(session, actor=TESTER, action="x", object_type="x", object_id=1,
               after={"x": float("nan")})  # fmt: skip


def test_the_caller_changing_its_dict_later_changes_nothing(engine: Engine) -> None:
    after = {"score": 1}
    with session_scope(engine) as session:
        entry = record(session, actor=TESTER, action="x", object_type="x", object_id=1,
                       after=after)  # fmt: skip
        after["score"] = 2
        assert entry.after == {"score": 1}
    assert hmc("verify")[0] == 0


# --- hmc audit verify and hmc audit head -------------------------------------------------


def test_an_intact_chain(db: Engine) -> None:
    hashes = append(db, 20)
    assert hmc("verify") == (0, f"audit chain intact: 20 records, head {hashes[-1]}\n")
    with session_scope(db) as session:
        head = service.head(session)
    assert hmc("head") == (0, f"{head}\n")
    assert head == hashes[-1]
    code, output = hmc("verify", "--head", hashes[9].upper())
    assert (code, output.splitlines()[-1]) == (0, "held head found: record 10")


def test_an_empty_chain(engine: Engine) -> None:
    assert hmc("head") == (0, f"{GENESIS}\n")
    assert hmc("verify") == (0, f"audit chain intact: 0 records, head {GENESIS}\n")
    assert hmc("verify", "--head", GENESIS)[0] == 0  # a head held before the first record
    append(engine, 1)
    assert hmc("verify", "--head", GENESIS)[0] == 0


def test_a_head_that_is_not_a_hash(engine: Engine) -> None:
    code, output = hmc("verify", "--head", "abc")
    assert code == 1
    assert 'Error: --head: "abc" is not an audit head (64 hexadecimal digits)' in output


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HMC_DATABASE_URL pointing at a file that does not exist."""
    path = tmp_path / "none.db"
    monkeypatch.setenv("HMC_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield path
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.mark.parametrize("command", ["verify", "head"])
def test_reading_creates_no_database(nowhere: Path, command: str) -> None:
    code, output = hmc(command)
    assert code == 1
    assert f"no database at sqlite:///{nowhere}; run 'hmc init'" in output
    assert not nowhere.exists()


EDITS = {
    "seq": 99,
    "at": "2024-01-27 09:30:15.123457",
    "actor": "member:99",
    "commission_id": "pic-iraq-2006",
    "object_type": "round",
    "object_id": "18",
    "action": "delete",
    "before": '{"score": 17}',
    "after": '{"score": 17, "name": "الموصل — Mosul"}',
    "private_to": "us",
    "released_with": 3,
    "hash": "f" * 64,
}


@pytest.mark.parametrize(("column", "value"), EDITS.items(), ids=EDITS)
def test_an_edited_field_is_named(db: Engine, column: str, value: object) -> None:
    append(db, 20)
    tamper(db, f"UPDATE audit_record SET {column} = :value WHERE seq = 17", value=value)
    code, output = hmc("verify")
    assert code == 1
    if column == "seq":  # moved to the end: where it was, it is missing
        expected = "record 17 is missing (deleted): record 18 follows record 16"
    else:
        expected = "record 17 does not match its hash (edited)"
    assert f"Error: audit chain broken: {expected}\n" in output


UNREADABLE = {
    "at": ("not a date", "Invalid isoformat string: 'not a date'"),
    "before": ("{score: 17}", "Expecting property name enclosed in double quotes"),
}


@pytest.mark.parametrize(("column", "value", "reason"), [(c, *v) for c, v in UNREADABLE.items()],
                         ids=UNREADABLE)  # fmt: skip
def test_a_value_of_the_wrong_type_is_named(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, column: str, value: str, reason: str
) -> None:
    """SQLite keeps any value in any column: one that cannot be read is named, not a crash."""
    monkeypatch.setattr(service, "PAGE", 7)  # on the third page: the pages before are read
    append(engine, 20)
    tamper(engine, f"UPDATE audit_record SET {column} = :value WHERE seq = 17", value=value)
    code, output = hmc("verify")
    assert code == 1
    assert f"Error: audit chain broken: record 17 cannot be read (edited): {reason}" in output
    tamper(engine, "DELETE FROM audit_record WHERE seq = 16")  # the first problem is named
    assert "record 16 is missing (deleted)" in hmc("verify")[1]


@pytest.mark.parametrize(("column", "value"), [("before", None), ("after", '{"score": 17}')])
def test_json_edits_within_a_value_are_named(db: Engine, column: str, value: object) -> None:
    """A JSON value dropped, or one key of it (None is not missing: "missing" is None)."""
    append(db, 20)
    tamper(db, f"UPDATE audit_record SET {column} = :value WHERE seq = 17", value=value)
    assert "record 17 does not match its hash (edited)" in hmc("verify")[1]


def test_a_changed_link_is_named(db: Engine) -> None:
    append(db, 20)
    tamper(db, "UPDATE audit_record SET prev_hash = :value WHERE seq = 17", value="0" * 64)
    assert "record 17 does not link to record 16" in hmc("verify")[1]


DELETIONS = {
    "middle": ("seq = 17", "record 17 is missing (deleted): record 18 follows record 16"),
    "first": ("seq = 1", "record 1 is missing (deleted): the chain starts at record 2"),
    "two": ("seq IN (5, 6)", "records 5 to 6 are missing (deleted): record 7 follows record 4"),
}


@pytest.mark.parametrize(("where", "expected"), DELETIONS.values(), ids=DELETIONS)
def test_a_deleted_record_is_named(db: Engine, where: str, expected: str) -> None:
    append(db, 20)
    tamper(db, f"DELETE FROM audit_record WHERE {where}")
    assert hmc("verify") == (1, f"Error: audit chain broken: {expected}\n")


def test_renumbered_records_are_named(db: Engine) -> None:
    """The first record deleted and the others numbered from 1 again."""
    append(db, 5)
    tamper(db, "DELETE FROM audit_record WHERE seq = 1")
    for seq in range(2, 6):
        tamper(db, "UPDATE audit_record SET seq = :new WHERE seq = :old", new=seq - 1, old=seq)
    code, output = hmc("verify")
    assert code == 1
    assert "record 1 does not start the chain (its prev_hash is not the genesis hash)" in output


@pytest.mark.parametrize(("a", "b"), [(5, 9), (9, 10)], ids=["apart", "adjacent"])
def test_swapped_records_are_named(db: Engine, a: int, b: int) -> None:
    append(db, 20)
    for old, new in ((a, -1), (b, a), (-1, b)):  # seq is unique: through a free number
        tamper(db, "UPDATE audit_record SET seq = :new WHERE seq = :old", new=new, old=old)
    code, output = hmc("verify")
    assert code == 1
    assert f"record {a} does not link to record {a - 1}" in output


def test_a_record_rewritten_with_its_hash_is_named_by_the_next(db: Engine) -> None:
    """Record 17 edited and its hash recomputed: it checks, but record 18 no longer links."""
    append(db, 20)
    rewrite(db, 17, actor="member:99")
    code, output = hmc("verify")
    assert code == 1
    assert "record 18 does not link to record 17: record 17 was rewritten" in output


def test_a_cut_tail_is_found_only_with_a_held_head(db: Engine) -> None:
    hashes = append(db, 20)
    held = hashes[-1]
    tamper(db, "DELETE FROM audit_record WHERE seq > 18")
    assert hmc("verify") == (0, f"audit chain intact: 18 records, head {hashes[17]}\n")
    code, output = hmc("verify", "--head", held)
    assert code == 1
    assert f"Error: audit chain broken: the held head {held} is not in the chain" in output
    assert hmc("verify", "--head", hashes[17])[0] == 0


def test_a_rewritten_last_record_is_found_only_with_a_held_head(db: Engine) -> None:
    hashes = append(db, 20)
    rewrite(db, 20, after='{"score": 0}')
    assert hmc("verify")[0] == 0
    assert "is not in the chain" in hmc("verify", "--head", hashes[-1])[1]


def test_verify_reports_progress(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "PAGE", 7)  # several pages
    append(engine, 20)
    seen: list[tuple[int, int]] = []
    with session_scope(engine) as session:
        found = service.verify(session, progress=lambda done, total: seen.append((done, total)))
    assert (found.intact, found.records) == (True, 20)
    assert seen[-1] == (20, 20)


# --- Writers at the same time; a write and its record commit together ---------------------


def append_from_threads(engine: Engine, threads: int, each: int) -> None:
    def work(thread: int) -> None:
        for n in range(each):
            with session_scope(engine) as session:
                lock_chain(session)
                record(session, actor=Actor.system(f"writer {thread}"), action="create",
                       object_type="rating", object_id=n, after={"n": n})  # fmt: skip

    with ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(work, thread) for thread in range(threads)]:
            done.result()


def check_contiguous(engine: Engine, threads: int, each: int) -> None:
    with session_scope(engine) as session:
        seqs = list(session.scalars(select(AuditRecord.seq).order_by(AuditRecord.seq)))
        actors = session.scalars(select(func.count(func.distinct(AuditRecord.actor)))).one()
        found = service.verify(session)
    assert seqs == list(range(1, threads * each + 1))
    assert (found.intact, found.records, actors) == (True, threads * each, threads)


def test_concurrent_writers_on_postgresql(hmc_on_migrated_postgres: str) -> None:
    engine = get_engine()
    append_from_threads(engine, threads=8, each=40)
    check_contiguous(engine, threads=8, each=40)


def test_concurrent_writers_on_sqlite(engine: Engine) -> None:
    append_from_threads(engine, threads=4, each=40)
    check_contiguous(engine, threads=4, each=40)


def test_a_failed_write_leaves_no_record(db: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(db) as session:
        lock_chain(session)
        session.add(Source(key="acled", name="ACLED"))
        record(session, actor=TESTER, action="create", object_type="source", object_id="acled")
        raise RuntimeError("the change failed after its record")
    with session_scope(db) as session:
        assert session.scalars(select(func.count()).select_from(Source)).one() == 0
        assert service.head(session) == GENESIS
    append(db, 1)
    assert stored(db, 1)["prev_hash"] == GENESIS


# --- Who sees which record ---------------------------------------------------------------


def member(party: str | None, role: str) -> Actor:
    return Actor(kind="member", name=role, member_id=1, party=party, role=role)


US_ANALYST = member("us", "analyst")
IQ_CO_CHAIR = member("iq", "co_chair")
US_OBSERVER = member("us", "observer")
ADMIN = member(None, "admin")


@pytest.fixture
def private(engine: Engine) -> Iterator[Engine]:
    """A public record (1), a draft of the US party for round 7 (2), one for round 8 (3)."""
    append(engine, 1)
    append(engine, 1, private_to="us", released_with=7)
    append(engine, 1, private_to="us", released_with=8)
    yield engine


def seen_by(engine: Engine, viewer: Actor, released: set[int]) -> list[int]:
    with session_scope(engine) as session:
        return [r.seq for r in trail(session, viewer=viewer, released=released)]


def test_a_party_sees_its_drafts(private: Engine) -> None:
    assert seen_by(private, US_ANALYST, set()) == [3, 2, 1]


@pytest.mark.parametrize("viewer", [IQ_CO_CHAIR, US_OBSERVER, ADMIN], ids=lambda a: a.name)
def test_no_one_else_sees_them_before_release(private: Engine, viewer: Actor) -> None:
    assert seen_by(private, viewer, set()) == [1]
    assert seen_by(private, viewer, {7}) == [2, 1]  # round 7 released; round 8 is not
    assert seen_by(private, viewer, {7, 8}) == [3, 2, 1]


def test_trail_of_one_object(engine: Engine) -> None:
    append(engine, 3)
    with session_scope(engine) as session:
        found = trail(session, viewer=ADMIN, released=set(), object_type="rating", object_id="2")
        assert [r.seq for r in found] == [2]
        newest = trail(session, viewer=ADMIN, released=set(), commission_id="hmc-iraq-2024",
                       limit=2)  # fmt: skip
        assert [r.seq for r in newest] == [3, 2]


LOADS_AND_IMPORTS = (
    "SELECT action, object_type, actor FROM audit_record WHERE action IN ('load', 'import')"
)


def test_loads_and_imports_are_in_the_chain(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        found = session.execute(text(LOADS_AND_IMPORTS)).all()
    assert ("load", "framework_version", "system:hmc demo") in found
    imports = [row for row in found if row[0] == "import"]
    assert imports and all(row[1:] == ("import_batch", "system:hmc demo") for row in imports)
