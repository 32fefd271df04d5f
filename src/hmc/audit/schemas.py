"""What the API returns for the audit trail: its records, its head, a verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from hmc.schemas import Read


class AuditRecordRead(Read):
    """One write as the trail keeps it, with the hashes that chain it to the one before."""

    seq: int
    at: datetime
    actor: str
    commission: str | None = Field(validation_alias="commission_id")
    object_type: str
    object_id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    private_to: str | None = Field(description="The party whose private work this shows.")
    released_with: int | None = Field(description="The round whose release shows it to all.")
    prev_hash: str
    hash: str


class HeadRead(BaseModel):
    """The hash of the chain's last record: keep it outside hmc to check the chain later."""

    head: str


class VerificationRead(Read):
    """Whether every record matches its hash and the one before it; where the chain breaks."""

    intact: bool
    records: int = Field(description="How many records, from the first, are intact.")
    head: str = Field(description="The hash of the last intact record.")
    problem: str | None
    bad_seq: int | None = Field(description="The first record that is wrong or missing.")
