"""What the API takes and returns for the signed-in member: who they are, passwords, tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hmc.accounts.passwords import MAX_LENGTH
from hmc.accounts.service import NAME
from hmc.accounts.tokens import MAX_DAYS
from hmc.schemas import KEPT, Read


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class MeRead(Read):
    """The signed-in member."""

    username: str
    name: str
    role: str
    party: str | None = Field(description="The member's party (null: an administrator).")
    commission: str | None = Field(validation_alias="commission_id")


class PasswordChange(_Body):
    """The current password and the new one (the member's other sessions end)."""

    current: Annotated[str, Field(max_length=MAX_LENGTH)]
    new: Annotated[str, Field(max_length=MAX_LENGTH)]


class PasswordChanged(BaseModel):
    """The password was changed."""

    status: Literal["changed"] = "changed"


class TokenCreate(_Body):
    """A new personal API token: its name, and how many days it lasts (null: no expiry)."""

    name: Annotated[str, Field(min_length=1, max_length=NAME), KEPT]
    days: Annotated[int, Field(ge=1, le=MAX_DAYS)] | None = 90


class TokenRead(Read):
    """A personal API token as listed: never the token itself."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime | None = Field(description="null: it does not expire.")
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    """A new token: ``token`` is shown this once (send it as ``Authorization: Bearer …``)."""

    token: str
