"""Models and migrations never drift: Alembic's own check, on a migrated database."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from hmc.storage.engine import alembic_config


def test_alembic_check_finds_no_drift(engine: Engine) -> None:
    command.check(alembic_config(engine))  # raises if autogenerate would emit anything


def test_schema_has_the_commission_tables(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {
        "commission",
        "party",
        "member",
        "factor",
        "indicator",
        "area",
        "phase",
        "gate",
    } <= tables
    assert {"source", "import_batch", "event", "observation", "indicator_value"} <= tables
