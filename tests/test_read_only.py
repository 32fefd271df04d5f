"""Commands that read never write, and nothing stale is shown as current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, func, select
from typer.testing import CliRunner

from hmc.actor import Actor
from hmc.cli import app
from hmc.evidence.service import bundled_files, import_file
from hmc.framework.service import load_commission, shipped_commissions
from hmc.indicators.models import IndicatorSeries
from hmc.indicators.service import compute
from hmc.settings import get_settings
from hmc.storage import get_engine, session_scope
from hmc.storage.engine import alembic_config
from hmc.timeline.status import status

TESTER = Actor.system("tests")
runner = CliRunner()
PIC = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")
BUNDLED = {fmt: path for path, fmt in bundled_files()}
READERS = [
    ["status"],
    ["status", "-c", "pic-iraq-2006", "--as-of", "2007-06-30"],
    ["imports"],
    ["indicators", "--as-of", "2024-13-01"],
    ["serve", "--port", "1"],
]


@pytest.fixture
def nowhere(tmp_path: Path) -> Path:
    """HMC_DATABASE_URL pointing at a file that does not exist."""
    path = tmp_path / "none.db"
    os.environ["HMC_DATABASE_URL"] = f"sqlite:///{path}"
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield path
    get_engine.cache_clear()


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_a_reader_on_no_database_creates_none(nowhere: Path, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    if args[0] == "indicators":  # the bad date is said before anything is opened
        assert '"2024-13-01" is not a valid date' in result.stderr
    else:
        assert f"no database at sqlite:///{nowhere}; run 'hmc init'" in result.stderr
    assert not nowhere.exists()


@pytest.fixture
def behind(tmp_path: Path) -> Path:
    """A database at an older schema (revision 0002), as an earlier hmc left it."""
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    config = alembic_config(engine)
    command.upgrade(config, "0002")
    engine.dispose()
    os.environ["HMC_DATABASE_URL"] = url
    get_settings.cache_clear()
    get_engine.cache_clear()
    yield path
    get_engine.cache_clear()


def _revision(path: Path) -> str:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    return str(found)


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_a_reader_never_migrates(behind: Path, args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    if args[0] != "indicators":
        assert "is behind this hmc (schema 0002" in result.stderr
        assert "run 'hmc init' to upgrade it" in result.stderr
    assert _revision(behind) == "0002"
    assert runner.invoke(app, ["init"]).exit_code == 0  # the command it names does it
    assert _revision(behind) != "0002"


def test_imported_evidence_makes_values_stale_until_computed(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_commission(session, path=PIC, actor=TESTER)
        import_file(session, path=BUNDLED["esoc-weekly"], format="esoc-weekly", actor=TESTER)
    with session_scope(engine) as session:
        never = status(session, commission_id="pic-iraq-2006", as_of=None)
        compute(session, commission_id="pic-iraq-2006", actor=TESTER)
    with session_scope(engine) as session:
        fresh = status(session, commission_id="pic-iraq-2006", as_of=None)
        import_file(session, path=BUNDLED["sigacts"], format="sigacts", actor=TESTER)
    with session_scope(engine) as session:
        stale = status(session, commission_id="pic-iraq-2006", as_of=None)
        series = session.scalar(select(func.count()).select_from(IndicatorSeries))
    assert never.stale_since is not None  # loaded but never computed
    assert fresh.stale_since is None
    assert fresh.newest_evidence is not None and str(fresh.newest_evidence) == "2007-06-30"
    assert stale.stale_since is not None  # the SIGACT records feed attacks_on_coalition
    result = runner.invoke(app, ["status", "-c", "pic-iraq-2006"])
    assert "stale: values may be out of date since" in result.output
    assert "run 'hmc indicators'" in result.output
    computed = runner.invoke(app, ["indicators"])
    assert computed.exit_code == 0, computed.output
    assert "pic-iraq-2006: 19 indicator series computed" in computed.output
    assert "stale" not in runner.invoke(app, ["status", "-c", "pic-iraq-2006"]).output
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(IndicatorSeries)) == series


def test_indicators_with_a_bad_argument_computes_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        load_commission(session, path=PIC, actor=TESTER)
    for args in (["indicators", "--as-of", "2024-02-30"], ["indicators", "-c", "nope"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        with session_scope(engine) as session:
            assert session.scalar(select(func.count()).select_from(IndicatorSeries)) == 0
    assert 'no commission "nope"' in runner.invoke(app, ["indicators", "-c", "nope"]).stderr
