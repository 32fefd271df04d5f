"""Append to the audit trail, read an object's trail, and verify the chain.

Every write of hmc happens in a transaction that first calls :func:`lock_chain`: one
writer at a time appends, so the chain stays in order under concurrent writers (a
PostgreSQL advisory lock; on SQLite the database's single write lock, taken at once).
The record commits with the change it describes, or neither lands.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, false, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hmc.accounts.actor import Actor
from hmc.audit.chain import GENESIS, digest
from hmc.audit.models import AuditRecord
from hmc.errors import Busy

AUDIT_LOCK = 0x686D_635F_6175_6469  # PostgreSQL advisory lock key of the chain ("hmc_audi")
PAGE = 5_000  # records read at a time by verify


def now() -> datetime:
    """The current time in UTC, without zone (as every timestamp of hmc is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def lock_chain(session: Session) -> None:
    """Hold off every other writer until this transaction ends (call it before any write)."""
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(AUDIT_LOCK)))
        else:  # waits up to the connection's busy_timeout, as BEGIN IMMEDIATE would
            table = cast(Table, AuditRecord.__table__)
            session.execute(update(table).where(false()).values(id=table.c.id))
    except OperationalError as exc:
        code = getattr(exc.orig, "sqlite_errorcode", None)
        if code is None or (code & 0xFF) != sqlite3.SQLITE_BUSY:
            raise
        raise Busy("the database is busy with another change; try again") from None


def content(record: AuditRecord) -> dict[str, Any]:
    """What a record's hash covers: every field but its own hash and row id."""
    return {
        "seq": record.seq,
        "at": record.at.isoformat(timespec="microseconds"),
        "actor": record.actor,
        "commission_id": record.commission_id,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "action": record.action,
        "before": record.before,
        "after": record.after,
        "private_to": record.private_to,
        "released_with": record.released_with,
    }


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
    entry = AuditRecord(
        seq=seq,
        at=now(),
        actor=str(actor),
        commission_id=commission_id,
        object_type=object_type,
        object_id=str(object_id),
        action=action,
        before=before,
        after=after,
        private_to=private_to,
        released_with=released_with,
        prev_hash=prev,
    )
    entry.hash = digest(content(entry), prev=prev)
    session.add(entry)
    session.flush()
    return entry


def head(session: Session) -> str:
    """The hash of the chain's last record (the genesis hash when the chain is empty)."""
    last = session.scalar(select(AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1))
    return last or GENESIS


@dataclass(frozen=True)
class Verification:
    records: int
    head: str
    problem: str | None  # None: the chain is intact
    bad_seq: int | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _in_order(session: Session) -> Iterator[AuditRecord]:
    after = 0
    while True:
        page = session.scalars(
            select(AuditRecord).where(AuditRecord.seq > after).order_by(AuditRecord.seq).limit(PAGE)
        ).all()
        yield from page
        if len(page) < PAGE:
            return
        after = page[-1].seq
        session.expunge_all()


def verify(session: Session, *, expected_head: str | None = None) -> Verification:
    """Check every record's hash and link, in order; name the first one that is wrong.

    With ``expected_head`` (a head held outside the system), also check that it is still a
    record of the chain: nothing up to it was changed, deleted or reordered.
    """
    prev, count, found = GENESIS, 0, expected_head is None
    for entry in _in_order(session):
        count += 1
        problem = None
        if entry.seq != count:
            problem = (
                f"record {entry.seq} follows record {count - 1}: a record is missing"
                if entry.seq > count
                else f"record {entry.seq} is out of order"
            )
        elif entry.prev_hash != prev:
            problem = f"record {entry.seq} does not link to record {count - 1} (reordered?)"
        elif entry.hash != digest(content(entry), prev=prev):
            problem = f"record {entry.seq} does not match its hash (edited)"
        if problem:
            return Verification(count - 1, prev, problem, entry.seq)
        prev = entry.hash
        found = found or entry.hash == expected_head
    if not found:
        return Verification(count, prev, f"the head {expected_head} is not in the chain")
    return Verification(count, prev, None)


def visible(viewer: Actor, released: set[int]) -> ColumnElement[bool]:
    """The condition on records ``viewer`` may read (``released``: ids of released rounds)."""
    shown: list[ColumnElement[bool]] = [AuditRecord.private_to.is_(None), AuditRecord.released_with.in_(released)]
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
