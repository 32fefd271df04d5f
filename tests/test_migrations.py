"""Models and migrations never drift: Alembic's own check, on a migrated database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import Engine, create_engine, inspect

from hmc.framework.service import framework
from hmc.storage import session_scope
from hmc.storage.engine import alembic_config, revisions


def test_alembic_check_finds_no_drift(engine: Engine) -> None:
    command.check(alembic_config(engine))  # raises if autogenerate would emit anything


def test_revisions_are_read_from_file_names_as_alembic_reads_them(engine: Engine) -> None:
    """Reading a database's revision needs no Alembic: the files' names say what it knows."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    walked = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert revisions() == walked
    assert revisions()[-1] == scripts.get_current_head()


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


def test_an_older_database_keeps_its_commission(tmp_path: Path) -> None:
    """A database an earlier hmc made (schema 0002) comes up with its framework as version 1."""
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0002")
    with engine.begin() as connection:
        for sql in OLD_ROWS:
            connection.exec_driver_sql(sql)
    command.upgrade(config, "head")
    with session_scope(engine) as session:
        current = framework(session, commission_id="t")
    assert current.commission.version == 1
    assert [f.key for f in current.factors] == ["threat"]
    assert current.indicator("attacks").factor.key == "threat"
    assert [(g.phase_key, g.area.key, g.expression) for p in current.phases for g in p.gates] == [
        ("after", "north", "attacks <= 3")
    ]
    assert current.areas[0].governorates == ("ninewa",)
    engine.dispose()


OLD_ROWS = [
    "INSERT INTO commission VALUES ('t', 'T', '', 'iraq', NULL, 'abc', 'text', '2026-01-01')",
    "INSERT INTO party (id, commission_id, key, name)"
    " VALUES (1, 't', 'a', 'A'), (2, 't', 'b', 'B')",
    "INSERT INTO factor (id, commission_id, key, name, description, position)"
    " VALUES (1, 't', 'threat', 'Threat', '', 0)",
    "INSERT INTO indicator (id, commission_id, factor_id, scale_id, key, name, kind, scope, unit,"
    " better, threshold, rationale, definition, position) VALUES (1, 't', 1, NULL, 'attacks',"
    " 'Attacks', 'measured', 'area', '', 'lower', 3, '', '{\"source\": \"events\"}', 0)",
    "INSERT INTO area (id, commission_id, key, name, position)"
    " VALUES (1, 't', 'north', 'North', 0)",
    "INSERT INTO area_governorate (id, area_id, governorate) VALUES (1, 1, 'ninewa')",
    "INSERT INTO phase (id, commission_id, key, name, description, after, min_duration_weeks,"
    " position) VALUES (1, 't', 'after', 'After', '', NULL, 0, 0)",
    "INSERT INTO gate (id, phase_id, area_id, expression, not_before, no_later_than)"
    " VALUES (1, 1, 1, 'attacks <= 3', NULL, NULL)",
]
