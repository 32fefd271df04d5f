"""Engines, sessions and the schema's state. The transaction belongs to the edge.

Interfaces open the database with :func:`open_database`: commands that write bring the schema
up to date (``hmc init``, ``hmc import``, ...); everything that only reads checks it and
refuses, naming the command to run, rather than create or change anything.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hmc.errors import DatabaseError, HmcError
from hmc.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "Session",
    "database_name",
    "get_engine",
    "migrate",
    "open_database",
    "session_scope",
]

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 15_000  # SQLite: how long a writer waits for another before "busy"


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def database_name(url: str | None = None) -> str:
    """The database URL without its password, for messages."""
    try:
        return make_url(url or get_settings().database_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "named by HMC_DATABASE_URL"


@lru_cache
def get_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``HMC_DATABASE_URL``), created once per process.

    The pool holds as many connections as the server runs worker threads, so a request
    never waits for a connection another thread holds (see hmc.settings.Settings.threads).
    """
    text = url or get_settings().database_url
    pool = get_settings().threads
    try:
        engine = create_engine(text, pool_size=pool, max_overflow=pool, pool_timeout=30)
    except ArgumentError:
        raise DatabaseError(
            "HMC_DATABASE_URL is not a database URL (write e.g. sqlite:///hmc.db"
            " or postgresql+psycopg://user:pass@host/db)"
        ) from None
    except ImportError as exc:
        raise DatabaseError(
            f"the database {database_name(text)} needs a driver that is not installed ({exc})"
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to ``engine``, independent of the working directory."""
    from alembic.config import Config  # Alembic only when a schema is checked or migrated

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest revision."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), "head")
        if engine.dialect.name == "sqlite":  # readers then never wait for a writer
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot open the database {database_name(str(engine.url))} ({reason(exc)});"
            " check HMC_DATABASE_URL"
        ) from None


def revisions() -> list[str]:
    """The schema revisions this code knows, oldest first: a migration file is named after its
    revision (``0008_partial_duplicate_index.py`` is ``0008``), so reading a database's
    revision needs no Alembic (see tests/test_migrations.py).

    >>> revisions()[0]
    '0001'
    """
    return sorted(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def check_schema(engine: Engine, *, command_name: str = "hmc init") -> None:
    """Refuse a database that is missing or not at this code's revision, without writing."""
    name = database_name(str(engine.url))
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:" and not Path(path).exists():
            raise DatabaseError(f"no database at {name}; run '{command_name}' to create it")
    known = revisions()
    try:
        with engine.connect() as connection:
            current = _revision(connection)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot open the database {name} ({reason(exc)})") from None
    if current is None:
        raise DatabaseError(f"the database {name} is empty; run '{command_name}' to create it")
    if current != known[-1]:
        if current not in known:
            raise DatabaseError(
                f"the database {name} was made by a newer hmc (schema {current}); upgrade hmc"
            )
        raise DatabaseError(
            f"the database {name} is behind this hmc (schema {current}, needs {known[-1]});"
            f" run '{command_name}' to upgrade it"
        )


def _revision(connection: Connection) -> str | None:
    """The revision Alembic recorded in the database (None: no schema at all)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found[0] if len(found) == 1 else None


def open_database(*, write: bool) -> Engine:
    """The database of HMC_DATABASE_URL: migrated when ``write``, else only checked."""
    engine = get_engine()
    if write:
        migrate(engine)
    else:
        check_schema(engine)
    return engine


def is_busy(exc: OperationalError) -> bool:
    """Whether ``exc`` says another transaction holds a lock: SQLite's BUSY, PostgreSQL's 55P03."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return bool((code & 0xFF) == sqlite3.SQLITE_BUSY)  # also BUSY_SNAPSHOT and the like
    return getattr(exc.orig, "sqlstate", None) == "55P03"  # lock_not_available


def reason(exc: SQLAlchemyError) -> str:
    """What the database said, in one line: the driver's message, without the SQL."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    A database failure becomes a :class:`~hmc.errors.DatabaseError` that says what the
    database said; hmc's own errors pass through unchanged.
    """
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        with factory() as session, session.begin():
            yield session
    except HmcError:
        raise
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"the database {database_name(str(engine.url))} failed: {reason(exc)}"
        ) from exc
