"""Engine, sessions, the declarative base and migrations."""

from hmc.storage.base import Base
from hmc.storage.engine import (
    Session,
    database_name,
    get_engine,
    migrate,
    open_database,
    session_scope,
)

__all__ = [
    "Base",
    "Session",
    "database_name",
    "get_engine",
    "migrate",
    "open_database",
    "session_scope",
]
