"""Append to the audit trail, read an object's trail, and verify the chain.

Every write of hmc happens in a transaction that first calls :func:`lock_chain`: one
writer at a time appends, so the chain stays in order under concurrent writers (a
PostgreSQL advisory lock; on SQLite the database's single write lock, taken at once).
The record commits with the change it describes, or neither lands.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, false, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit.chain import GENESIS, canonical, content, digest, fault
from hmc.audit.models import AuditRecord
from hmc.audit.types import TYPES
from hmc.errors import Busy
from hmc.storage.engine import is_busy

AUDIT_LOCK = 0x686D_635F_6175_6469  # PostgreSQL advisory lock key of the chain ("hmc_audi")
PAGE = 5_000  # records read at a time by verify
_TABLE = cast(Table, AuditRecord.__table__)
Progress = Callable[[int, int], None]  # told the records checked so far, and of all


def now() -> datetime:
    """The current time in UTC, without zone (as every timestamp of hmc is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def lock_chain(session: Session) -> None:
    """Hold off every other writer until this transaction ends (call it first, before writing)."""
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK)))
        else:  # waits up to the connection's busy_timeout, as BEGIN IMMEDIATE would
            session.execute(update(_TABLE).where(false()).values(id=_TABLE.c.id))
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        raise Busy("the database is busy with another change; try again") from None


def _as_stored(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` as the database gives it back: a copy through JSON (tuples become lists).

    What is hashed is then what is stored, even if the caller changes its dict afterwards;
    a value JSON cannot hold (a date, NaN) fails here, not in the chain's next check.
    """
    return None if value is None else cast(dict[str, Any], json.loads(canonical(value)))


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    commission_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    private_to: str | None = None,
    released_with: int | None = None,
) -> AuditRecord:
    """Append one record for a write (``before``/``after``: the object's fields, JSON values)."""
    lock_chain(session)
    last = session.execute(
        select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    fields: dict[str, Any] = {
        "seq": seq,
        "at": now(),
        "actor": str(actor),
        "commission_id": commission_id,
        "object_type": object_type,
        "object_id": str(object_id),
        "action": action,
        "before": _as_stored(before),
        "after": _as_stored(after),
        "private_to": private_to,
        "released_with": released_with,
    }
    entry = AuditRecord(**fields, prev_hash=prev, hash=digest(content(fields), prev=prev))
    session.add(entry)
    session.flush()
    return entry


def record_write(
    session: Session,
    *,
    actor: Actor,
    action: str,
    row: Any,
    commission_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    private_to: str | None = None,
    released_with: int | None = None,
) -> AuditRecord:
    """Append the record of a write to ``row`` (a row of a registered type) in a commission."""
    return record(
        session,
        actor=actor,
        action=action,
        object_type=TYPES.of_row(row).name,
        object_id=row.id,
        commission_id=commission_id,
        before=before,
        after=after,
        private_to=private_to,
        released_with=released_with,
    )


def head(session: Session) -> str:
    """The hash of the chain's last record (the genesis hash when the chain is empty)."""
    last = session.scalar(select(AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1))
    return last or GENESIS


@dataclass(frozen=True)
class Verification:
    records: int  # how many records, from the first, are intact
    head: str  # the hash of the last of them
    problem: str | None  # None: the chain is intact
    bad_seq: int | None = None  # where the chain breaks: the first record wrong or missing
    held_at: int | None = None  # the record whose hash is the head held outside (0: genesis)

    @property
    def intact(self) -> bool:
        return self.problem is None


def _in_order(session: Session) -> Iterator[dict[str, Any]]:
    """Every record as stored (plain rows: no object of the session is reused or kept)."""
    after = 0
    while True:
        query = select(_TABLE).where(_TABLE.c.seq > after).order_by(_TABLE.c.seq).limit(PAGE)
        page = _read(session, query)
        if page is None:  # find which record, and say why
            page = [_read_one(session, seq) for seq in _seqs(session, after)]
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1]["seq"]


def _read(session: Session, query: Select[Any]) -> list[dict[str, Any]] | None:
    """The rows of ``query``; None if a value cannot be read as its column's type."""
    result = session.execute(query)
    try:
        return [row._asdict() for row in result]
    except (ValueError, TypeError):  # SQLite stores any value in any column: not a date, bad JSON
        result.close()
        return None


def _seqs(session: Session, after: int) -> list[int]:
    query = select(_TABLE.c.seq).where(_TABLE.c.seq > after).order_by(_TABLE.c.seq).limit(PAGE)
    return list(session.scalars(query))


def _read_one(session: Session, seq: int) -> dict[str, Any]:
    """Record ``seq``; if it cannot be read, why (under the key "unreadable")."""
    result = session.execute(select(_TABLE).where(_TABLE.c.seq == seq))
    try:
        return result.one()._asdict()
    except (ValueError, TypeError) as exc:
        result.close()
        return {"seq": seq, "unreadable": str(exc)}


def verify(
    session: Session, *, expected_head: str | None = None, progress: Progress | None = None
) -> Verification:
    """Check every record's hash and link, in order; name the first one that is wrong.

    With ``expected_head`` (a head held outside the system), also check that it is still a
    record of the chain: nothing up to it was changed, deleted or reordered, and the chain
    was not cut back to before it. ``progress`` is told how far the check has come.
    """
    total = session.scalar(select(func.count()).select_from(AuditRecord)) or 0
    expected_head = expected_head and expected_head.lower()
    prev, count = GENESIS, 0
    held_at = 0 if expected_head == GENESIS else None
    for stored in _in_order(session):
        problem = fault(stored, count + 1, prev)
        if problem:
            return Verification(count, prev, problem, bad_seq=count + 1)
        count, prev = count + 1, stored["hash"]
        if prev == expected_head:
            held_at = count
        if progress is not None and (count % 1000 == 0):
            progress(count, max(total, count))
    if progress is not None:
        progress(count, count)
    if expected_head is not None and held_at is None:
        return Verification(
            count,
            prev,
            f"the held head {expected_head} is not in the chain: records after it were"
            " deleted, or the chain was rewritten up to it",
        )
    return Verification(count, prev, None, held_at=held_at)


def visible(viewer: Actor, released: set[int]) -> ColumnElement[bool]:
    """The condition on records ``viewer`` may read (``released``: ids of released rounds)."""
    shown: list[ColumnElement[bool]] = [
        AuditRecord.private_to.is_(None),
        AuditRecord.released_with.in_(released),
    ]
    if viewer.party is not None and viewer.role != "observer":
        shown.append(AuditRecord.private_to == viewer.party)
    return or_(*shown)


def trail(
    session: Session,
    *,
    viewer: Actor,
    released: set[int],
    commission_id: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int = 200,
) -> list[AuditRecord]:
    """The newest records ``viewer`` may read, of one object or commission, newest first."""
    query = select(AuditRecord).where(visible(viewer, released))
    if commission_id is not None:
        query = query.where(AuditRecord.commission_id == commission_id)
    if object_type is not None:
        query = query.where(AuditRecord.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditRecord.object_id == object_id)
    return list(session.scalars(query.order_by(AuditRecord.seq.desc()).limit(limit)))
