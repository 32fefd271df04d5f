"""Shared fixtures: a real SQLite database with the shipped commissions and bundled data."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from hmc.settings import get_settings
from hmc.storage import get_engine, migrate
from postgres import hmc_on_postgres, postgres_cluster, postgres_url  # one server a run

__all__ = ["hmc_on_postgres", "postgres_cluster", "postgres_url"]  # fixtures of tests/postgres.py

os.environ.setdefault("COLUMNS", "200")  # wide tables in captured CLI output


def use_database(url: str) -> Engine:
    """Point hmc (settings, engine) at ``url`` and create the schema."""
    os.environ["HMC_DATABASE_URL"] = url
    get_settings.cache_clear()
    get_engine.cache_clear()
    engine = get_engine(url)
    migrate(engine)
    return engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database of its own for one test."""
    yield use_database(f"sqlite:///{tmp_path / 'test.db'}")
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built by 'hmc demo --no-serve' once per test run (real data, real engine)."""
    from typer.testing import CliRunner

    from hmc.cli import app

    path = tmp_path_factory.mktemp("demo") / "hmc.db"
    use_database(f"sqlite:///{path}")
    result = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def demo_engine(demo_db: Path) -> Engine:
    """The demo database, with hmc pointed at it (shared: tests that write use demo_copy)."""
    return use_database(f"sqlite:///{demo_db}")


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the demo database of its own for one test, which may write to it."""
    copy = tmp_path / "demo-copy.db"
    with closing(sqlite3.connect(demo_db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)  # with what the write-ahead log holds, unlike a file copy
    yield use_database(f"sqlite:///{copy}")
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def demo_sessions_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo database, made once per run, for the tests that sign in to read.

    Signing in writes (a session, its audit record): those tests do it here, so that the
    demo database stays as 'hmc demo' left it for every test that copies it.
    """
    path = tmp_path_factory.mktemp("demo-sessions") / "hmc.db"
    with closing(sqlite3.connect(demo_db)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
    return path


@pytest.fixture
def demo_sessions(demo_sessions_db: Path) -> Engine:
    """That copy, with hmc pointed at it (shared: sign in and read; other writes: demo_copy)."""
    return use_database(f"sqlite:///{demo_sessions_db}")


DEMO_PASSWORD = "exercise-only-password"  # hmc demo's members (hmc.exercise.PASSWORD)


def sign_in(client: Any, username: str = "us-co-chair", password: str = DEMO_PASSWORD) -> str:
    """Sign ``client`` in through the sign-in page, as a browser does; returns its CSRF token."""
    form = client.get("/sign-in")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token, form.text
    done = client.post(
        "/sign-in",
        data={"username": username, "password": password, "token": token.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return csrf_of(client)


def csrf_of(client: Any) -> str:
    """The CSRF token of the client's session, as its pages' forms carry it."""
    page = client.get("/account")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)
