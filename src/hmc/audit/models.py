"""The audit trail: one record per write, chained by hash, never updated or deleted.

Each record carries the hash of the one before it (``prev_hash``) and its own ``hash``, the
SHA-256 of its canonical JSON (see :func:`hmc.audit.chain.canonical`). ``seq`` is the order
of the chain: 1, 2, 3... without gaps, so an edited, deleted or reordered record breaks it.

``private_to`` names the party whose private work a record shows (a draft rating); such a
record is seen by that party only, unless ``released_with`` names a round: once that round
is released, both parties see it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hmc.storage.base import Base


class AuditRecord(Base):
    __tablename__ = "audit_record"
    __table_args__ = (Index("ix_audit_record_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(200))
    commission_id: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    private_to: Mapped[str | None] = mapped_column(String(32))
    released_with: Mapped[int | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
