"""Dependencies shared by the API and the web pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from hmc.storage import get_engine, session_scope


def _session() -> Iterator[Session]:
    with session_scope(get_engine()) as session:
        yield session


def _as_of(
    as_of: Annotated[
        date | None,
        Query(
            description="Only what was known on this date"
            " (default: the commission's replay date, else today)."
        ),
    ] = None,
) -> date | None:
    return as_of


SessionDep = Annotated[Session, Depends(_session)]
AsOfDep = Annotated[date | None, Depends(_as_of)]
