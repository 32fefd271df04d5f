"""Shared fixtures: a real SQLite database with the shipped commissions and bundled data."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from hmc.settings import get_settings
from hmc.storage import get_engine, migrate
from importing import copy_database
from postgres import (  # one server a run (per worker)
    hmc_on_migrated_postgres,
    hmc_on_postgres,
    hmc_on_postgres_demo,
    migrated_postgres_url,
    postgres_cluster,
    postgres_demo_template,
    postgres_template,
    postgres_url,
)

__all__ = [  # fixtures of tests/postgres.py
    "hmc_on_migrated_postgres",
    "hmc_on_postgres",
    "hmc_on_postgres_demo",
    "migrated_postgres_url",
    "postgres_cluster",
    "postgres_demo_template",
    "postgres_template",
    "postgres_url",
]

os.environ.setdefault("COLUMNS", "200")  # wide tables in captured CLI output


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow lanes a contributor may leave out (``-m "not postgres and not spark and
    not browser"``; ``browser`` is marked by module): ``postgres`` for a test that uses the
    PostgreSQL server (by its fixtures, or a "postgresql" parameter), ``spark`` for one with a
    "spark" parameter. And group the tests for ``--dist loadgroup``: a module's tests that
    share a fixture of the module run on one worker, which builds it once (unless the module
    groups them itself: the authorization matrix runs on one worker per database); the other
    tests go to whichever worker is free."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = {str(value) for value in callspec.params.values()} if callspec else set()
        if "postgres_cluster" in getattr(item, "fixturenames", ()) or "postgresql" in params:
            item.add_marker(pytest.mark.postgres)
        if "spark" in params:
            item.add_marker(pytest.mark.spark)
        if item.get_closest_marker("xdist_group") is None and shares_a_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def shares_a_fixture(item: pytest.Item) -> bool:
    """Whether ``item`` uses a fixture set up once for its module (or class, or package)."""
    info = getattr(item, "_fixtureinfo", None)  # pytest's, for its own items
    if info is None:
        return False
    return any(
        definition.scope in ("class", "module", "package")
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def forget_engines() -> None:
    """Close the pooled connections of the engines hmc holds for the database it points at,
    then forget them: a forgotten engine's connections are otherwise closed by the garbage
    collector, in whichever test it runs (with a ResourceWarning on PostgreSQL)."""
    before = os.environ.get("HMC_DATABASE_URL")
    for cached in {get_engine(), *([get_engine(before)] if before else [])}:
        cached.dispose()
    get_engine.cache_clear()


def use_database(url: str) -> Engine:
    """Point hmc (settings, engine) at ``url`` and create the schema."""
    forget_engines()
    os.environ["HMC_DATABASE_URL"] = url
    get_settings.cache_clear()
    engine = get_engine(url)
    migrate(engine)
    return engine


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database migrated once per run (per worker): the template of ``engine``."""
    path = tmp_path_factory.mktemp("migrated") / "hmc.db"
    template = get_engine.__wrapped__(f"sqlite:///{path}")  # not hmc's cached engine
    try:
        migrate(template)
    finally:
        template.dispose()
    return path


@pytest.fixture
def engine(migrated_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database of its own for one test (a copy of the template)."""
    yield use_database(f"sqlite:///{copy_database(migrated_db, tmp_path / 'test.db')}")
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
    yield use_database(f"sqlite:///{copy_database(demo_db, tmp_path / 'demo-copy.db')}")
    get_engine.cache_clear()


@pytest.fixture(scope="session")
def demo_sessions_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo database, made once per run, for the tests that sign in to read.

    Signing in writes (a session, its audit record): those tests do it here, so that the
    demo database stays as 'hmc demo' left it for every test that copies it.
    """
    return copy_database(demo_db, tmp_path_factory.mktemp("demo-sessions") / "hmc.db")


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
