"""The same things work on a real PostgreSQL server (see postgres.py) as on SQLite.

Schema and migrations, the evidence-to-gates pipeline (with the same numbers as SQLite),
imports that happen once or not at all, and the command line, each against PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, String, create_engine, delete, func, inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hmc.actor import Actor
from hmc.cli import app
from hmc.errors import EvidenceError
from hmc.evidence.importers import sigacts
from hmc.evidence.models import Event, ImportBatch, Observation
from hmc.evidence.schemas import ImportReport
from hmc.evidence.service import bundled_files, import_file
from hmc.framework.service import load_commission, shipped_commissions
from hmc.indicators.computing import compute
from hmc.indicators.models import IndicatorSeries, IndicatorValue
from hmc.storage import get_engine, migrate, session_scope
from hmc.storage.engine import alembic_config
from hmc.timeline.schemas import StatusRead
from hmc.timeline.status import status
from postgres import Cluster

TESTER = Actor.system("tests")


PIC = "pic-iraq-2006"
AS_OF = date(2007, 6, 30)
BUNDLED = {format: path for path, format in bundled_files()}
SIGACT_HEADER = "datetime,epoch_seconds,event_type,target,city\n"
SIGACT_ROW = "2004-01-01 00:20,1072916400,IED,Coalition Forces,Baghdad\n"


def pic_config() -> Path:
    return next(path for path in shipped_commissions() if path.stem == PIC)


def table_sizes(engine: Engine) -> tuple[int, int, int]:
    """Rows in the event, observation and import_batch tables."""
    with session_scope(engine) as session:
        return (
            session.execute(select(func.count()).select_from(Event)).scalar_one(),
            session.execute(select(func.count()).select_from(Observation)).scalar_one(),
            session.execute(select(func.count()).select_from(ImportBatch)).scalar_one(),
        )


def test_migrations_leave_no_drift(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    try:
        migrate(engine)
        command.check(alembic_config(engine))  # raises if autogenerate would emit anything
        tables = set(inspect(engine).get_table_names())
        assert {"commission", "gate", "event", "observation", "indicator_value"} <= tables
        command.downgrade(alembic_config(engine), "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        migrate(engine)
        command.check(alembic_config(engine))
    finally:
        engine.dispose()


# --- The pipeline: the same commission, files and computation on both databases ----------


@dataclass
class Run:
    engine: Engine
    imports: list[ImportReport]


def build(engine: Engine) -> Run:
    """Load pic-iraq-2006, import ESOC weekly and the SIGACT records, compute."""
    migrate(engine)
    with session_scope(engine) as session:
        load_commission(session, path=pic_config(), actor=TESTER)
    imports = []
    for format in ("esoc-weekly", "sigacts"):
        with session_scope(engine) as session:
            imports.append(import_file(session, path=BUNDLED[format], format=format, actor=TESTER))
    with session_scope(engine) as session:
        compute(session, commission_id=PIC, actor=TESTER)
    return Run(engine, imports)


@pytest.fixture(scope="module")
def runs(
    postgres_cluster: Cluster,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Run, Run]]:
    """The pipeline run once on PostgreSQL and once on SQLite."""
    url = postgres_cluster.create_database()
    new_engine = get_engine.__wrapped__  # as hmc makes them (SQLite's pragmas), not cached
    engines = [
        new_engine(url),
        new_engine(f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hmc.db'}"),
    ]
    try:
        yield build(engines[0]), build(engines[1])
    finally:
        for engine in engines:
            engine.dispose()
        postgres_cluster.drop_database(url)


def flat(value: Any, path: str = "") -> dict[str, Any]:
    """The leaves of a JSON document by their path, to compare two of them leaf by leaf."""
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in flat(item, f"{path}/{key}").items()}
    if isinstance(value, list):
        return {k: v for n, item in enumerate(value) for k, v in flat(item, f"{path}/{n}").items()}
    return {path: value}


def status_json(session: Session) -> dict[str, Any]:
    """What the API answers for pic-iraq-2006 as of 2007-06-30."""
    found = status(session, commission_id=PIC, as_of=AS_OF)
    return StatusRead.of(found).model_dump(mode="json")


def stored_values(session: Session) -> dict[tuple[str, str, str, str, str], float]:
    """Every computed value by series (definition and geography), period, start and day known."""
    rows = session.execute(
        select(
            IndicatorSeries.definition,
            IndicatorSeries.governorates,
            IndicatorValue.period,
            IndicatorValue.period_start,
            IndicatorValue.known_on,
            IndicatorValue.value,
        ).join(IndicatorSeries, IndicatorSeries.id == IndicatorValue.series_id)
    )
    return {
        (json.dumps(definition, sort_keys=True), json.dumps(where), period, start.isoformat(),
         known.isoformat()): value
        for definition, where, period, start, known, value in rows
    }  # fmt: skip


def test_imports_report_the_same_on_both(runs: tuple[Run, Run]) -> None:
    pg, lite = runs
    reports = [r.model_dump(exclude={"batch_id"}) for r in pg.imports]
    assert reports == [r.model_dump(exclude={"batch_id"}) for r in lite.imports]
    assert [(r["observations_added"], r["events_added"]) for r in reports] == [
        (30_096, 0),
        (0, 158_026),
    ]
    assert table_sizes(pg.engine) == table_sizes(lite.engine) == (158_026, 30_096, 2)


def test_status_is_the_same_on_both(runs: tuple[Run, Run]) -> None:
    pg, lite = runs
    with session_scope(pg.engine) as session:
        got = status_json(session)
    with session_scope(lite.engine) as session:
        expected = status_json(session)
    held = {(g["phase"], g["area"]): g["held"] for g in got["gates"]}
    assert held == {(g["phase"], g["area"]): g["held"] for g in expected["gates"]}
    assert flat(got) == pytest.approx(flat(expected))
    # What a user sees, as in the SQLite tests: Muthanna held, Baghdad did not.
    gates = {g["area"]: g for g in got["gates"]}
    assert (gates["muthanna"]["held"], gates["baghdad"]["held"]) == (True, False)
    assert gates["baghdad"]["values"]["sigacts"] == 781.0
    # An events indicator (SIGACT records, grouped by week in SQL): Basra, week of 18 June.
    basra = next(
        i for i in got["indicators"] if (i["key"], i["area"]) == ("attacks_on_coalition", "basra")
    )
    assert (basra["latest_period"], basra["value"]) == ("2007-06-18", 51.0)


def test_every_computed_value_is_the_same_on_both(runs: tuple[Run, Run]) -> None:
    pg, lite = runs
    with session_scope(pg.engine) as session:
        got = stored_values(session)
    with session_scope(lite.engine) as session:
        expected = stored_values(session)
    assert len(expected) == 16_948  # weeks, months and (events indicators) quarters
    assert got.keys() == expected.keys()  # the same periods, known on the same days
    assert got == pytest.approx(expected)


def test_weeks_do_not_depend_on_the_session_time_zone(
    runs: tuple[Run, Run],
    postgres_cluster: Cluster,
) -> None:
    """A server whose time zone the client cannot name still gives the same weeks.

    "UTC-3" (POSIX for three hours east of UTC, Baghdad's offset) is valid for PostgreSQL
    but unknown to Python's tz database, so psycopg reads time-zoned values as UTC: a date
    truncated as a timestamptz would come back as the day before.
    """
    pg, lite = runs
    engine = create_engine(pg.engine.url, connect_args={"options": "-c timezone=UTC-3"})
    try:
        with Session(engine) as session:
            session.execute(delete(IndicatorValue))  # computed again, in this time zone
            session.execute(delete(IndicatorSeries))
            compute(session, commission_id=PIC, actor=TESTER)
            got = stored_values(session)
            session.rollback()
    finally:
        engine.dispose()
    with session_scope(lite.engine) as session:
        expected = stored_values(session)
    assert got.keys() == expected.keys()
    assert got == pytest.approx(expected)


def test_importing_again_adds_nothing(runs: tuple[Run, Run]) -> None:
    pg, _ = runs
    sizes = table_sizes(pg.engine)
    for first, format in zip(pg.imports, ("esoc-weekly", "sigacts"), strict=True):
        with session_scope(pg.engine) as session:
            again = import_file(session, path=BUNDLED[format], format=format, actor=TESTER)
        assert again.already_imported
        assert (again.batch_id, again.events_added, again.observations_added) == (
            first.batch_id,
            0,
            0,
        )
    assert table_sizes(pg.engine) == sizes


# --- Imports on a database of their own -------------------------------------------------


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(postgres_url)
    migrate(engine)
    yield engine
    engine.dispose()


def test_nationwide_counts_are_not_stored_twice(pg_engine: Engine, tmp_path: Path) -> None:
    """Musings rows have no governorate: PostgreSQL's unique key would let them repeat."""
    musings = BUNDLED["musings-incidents"]
    with session_scope(pg_engine) as session:
        first = import_file(session, path=musings, format="musings-incidents", actor=TESTER)
    copy = tmp_path / "musings_copy.csv"
    copy.write_bytes(musings.read_bytes() + b"\n")
    with session_scope(pg_engine) as session:
        again = import_file(session, path=copy, format="musings-incidents", actor=TESTER)
    assert (first.observations_added, first.already_imported) == (80, False)
    assert (again.already_imported, again.observations_added, again.duplicates) == (False, 0, 80)
    assert table_sizes(pg_engine) == (0, 80, 2)
    with session_scope(pg_engine) as session:
        nationwide = select(func.count()).where(Observation.governorate.is_(None))
        assert session.execute(nationwide).scalar_one() == 80


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            SIGACT_ROW.replace("2004-01-01", "2004-13-01"),
            "datetime",
            '"2004-13-01 00:20" is not a date and time (expected YYYY-MM-DD HH:MM)',
        ),
        (
            SIGACT_ROW.replace("Baghdad", "Baghdad" + " Sadr City" * 25),
            "city",
            "a place name of 257 characters (at most 200)",
        ),
        (
            SIGACT_ROW.replace("IED", "IED" + " and small arms" * 5),
            "event_type",
            "78 characters (at most 64)",
        ),
    ],
    ids=["bad date", "city too long", "event type too long"],
)
def test_a_bad_row_writes_nothing(
    pg_engine: Engine, tmp_path: Path, row: str, field: str, message: str
) -> None:
    path = tmp_path / "sigacts_iraq.csv"
    path.write_text(SIGACT_HEADER + SIGACT_ROW + row)
    with pytest.raises(EvidenceError) as caught, session_scope(pg_engine) as session:
        import_file(session, path=path, format="sigacts", actor=TESTER)
    assert caught.value.message == f'sigacts_iraq.csv: row 3, field "{field}": {message}'
    assert caught.value.details == {"file": "sigacts_iraq.csv", "row": 3, "field": field}
    assert table_sizes(pg_engine) == (0, 0, 0)


def test_a_nul_character_writes_nothing(pg_engine: Engine, tmp_path: Path) -> None:
    """PostgreSQL stores no NUL in text: the file is refused as a whole, on SQLite too."""
    path = tmp_path / "sigacts_iraq.csv"
    path.write_text(SIGACT_HEADER + SIGACT_ROW + SIGACT_ROW.replace("Baghdad", "Bagh\0dad"))
    with pytest.raises(EvidenceError) as caught, session_scope(pg_engine) as session:
        import_file(session, path=path, format="sigacts", actor=TESTER)
    assert caught.value.message == "sigacts_iraq.csv: row 3: not valid CSV (a NUL character)"
    assert table_sizes(pg_engine) == (0, 0, 0)


def test_sigact_limits_are_the_column_sizes() -> None:
    sizes = {c.name: c.type.length for c in Event.__table__.c if isinstance(c.type, String)}
    assert sizes["location"] == sigacts.MAX_LOCATION
    assert sizes["event_type"] == sigacts.MAX_EVENT_TYPE


# --- The command line with HMC_DATABASE_URL pointing at PostgreSQL ------------------------


def test_cli_end_to_end(hmc_on_postgres: str, tmp_path: Path) -> None:
    runner = CliRunner()

    def hmc(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    def row(output: str, name: str) -> str:  # in the gates' table, below the glance
        below = output[max(output.find("), as of "), 0) :]
        return next(line for line in below.splitlines() if f" {name} " in line)

    output = hmc("init")
    assert f"loaded {PIC}" in output
    assert f"database: {hmc_on_postgres}" in output
    output = hmc("status", "--commission", PIC)
    assert "as of 2007-06-30" in output
    assert "conditions unknown: missing data" in row(output, "Baghdad")

    hmc("import", str(BUNDLED["esoc-weekly"]), "--format", "esoc-weekly")
    hmc("indicators", "--commission", PIC)
    output = hmc("status", "--commission", PIC)
    assert "conditions held" in row(output, "Muthanna")
    baghdad = row(output, "Baghdad")
    assert "conditions not met" in baghdad and "ied_attacks 206" in baghdad

    # Reloading an edited configuration adds a version and keeps every computed value.
    changed = tmp_path / "pic.toml"
    text = pic_config().read_text(encoding="utf-8").replace("threshold = 2\n", "threshold = 3\n")
    changed.write_text(text, "utf-8")
    output = hmc("init", str(changed))
    assert f"loaded {PIC}" in output and "as version 2 (was version 1)" in output
    assert "changed  indicator ied_attacks" in output and "0 indicator series computed" in output
    output = hmc("status", "--commission", PIC)
    assert "conditions not met" in row(output, "Baghdad")
