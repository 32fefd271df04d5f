"""Shared fixtures: a real SQLite database with the shipped commissions and bundled data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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
    """The demo database, with hmc pointed at it."""
    return use_database(f"sqlite:///{demo_db}")
