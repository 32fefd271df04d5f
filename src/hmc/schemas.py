"""What the API's schemas share: answers read from records, and text a database can keep."""

from __future__ import annotations

from typing import Self

from pydantic import AfterValidator, BaseModel, ConfigDict


def _kept(text: str) -> str:
    """``text`` unless it holds a NUL character, which a PostgreSQL text column refuses.

    >>> _kept("a\\x00b")
    Traceback (most recent call last):
    ValueError: a NUL character is not allowed
    """
    if "\x00" in text:
        raise ValueError("a NUL character is not allowed")
    return text


# in Annotated[str, Field(...), KEPT]: a string refused if it holds a NUL character
KEPT = AfterValidator(_kept)


class Read(BaseModel):
    """A view of a plain record (a field named otherwise has a ``validation_alias``)."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, record: object) -> Self:
        """The API view of ``record``."""
        return cls.model_validate(record)
