"""Engine, sessions, the declarative base and migrations."""

from hmc.storage.base import Base
from hmc.storage.engine import get_engine, migrate, session_scope

__all__ = ["Base", "get_engine", "migrate", "session_scope"]
