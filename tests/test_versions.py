"""Reloading an edited configuration adds a framework version and keeps what was computed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from hmc.accounts import add_member
from hmc.accounts.models import Member
from hmc.actor import Actor
from hmc.cli import app
from hmc.errors import ConfigError
from hmc.evidence.service import bundled_files, import_file
from hmc.framework.models import FrameworkVersion, Indicator
from hmc.framework.service import framework, load_commission, shipped_commissions
from hmc.indicators.models import IndicatorSeries, IndicatorValue
from hmc.indicators.service import compute
from hmc.storage import session_scope

TESTER = Actor.system("tests")
PIC = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")
ESOC = next(path for path, fmt in bundled_files() if fmt == "esoc-weekly")
runner = CliRunner()


@pytest.fixture
def pic(engine: Engine, tmp_path: Path) -> Path:
    """A copy of the PIC configuration, loaded and computed over the ESOC counts."""
    path = tmp_path / "pic.toml"
    path.write_text(PIC.read_text(encoding="utf-8"), encoding="utf-8")
    with session_scope(engine) as session:
        load_commission(session, path=path, actor=TESTER)
        import_file(session, path=ESOC, format="esoc-weekly", actor=TESTER)
    with session_scope(engine) as session:
        compute(session, commission_id="pic-iraq-2006", actor=TESTER)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def series_state(engine: Engine) -> dict[int, tuple[object, int]]:
    """Each stored series: when it was computed and how many values it has."""
    with session_scope(engine) as session:
        counts = dict(
            session.execute(
                select(IndicatorValue.series_id, func.count()).group_by(IndicatorValue.series_id)
            ).all()
        )
        return {
            s.id: (s.computed_at, counts.get(s.id, 0))
            for s in session.scalars(select(IndicatorSeries))
        }


def changes(engine: Engine, path: Path) -> list[tuple[str, str, str]]:
    with session_scope(engine) as session:
        report = load_commission(session, path=path, actor=TESTER)
    return [(c.change, c.kind, c.key) for c in report.changes]


def test_a_new_threshold_is_a_new_version_and_recomputes_nothing(engine: Engine, pic: Path) -> None:
    before = series_state(engine)
    assert sum(n for _, n in before.values()) > 10_000
    edit(pic, "threshold = 5\n", "threshold = 4\n")
    assert changes(engine, pic) == [("changed", "indicator", "sigacts")]
    with session_scope(engine) as session:
        report = compute(session, commission_id="pic-iraq-2006", actor=TESTER)
        current = framework(session, commission_id="pic-iraq-2006")
        first = framework(session, commission_id="pic-iraq-2006", version=1)
    assert (report.computed, report.values) == (0, 0)
    assert series_state(engine) == before  # every value kept, none computed again
    assert current.commission.version == 2
    assert current.indicator("sigacts").threshold == 4
    assert first.indicator("sigacts").threshold == 5  # the version a record was made under


def test_a_changed_definition_recomputes_that_indicator_only(engine: Engine, pic: Path) -> None:
    before = series_state(engine)
    edit(pic, 'series = "esoc_ied_attack"', 'series = "esoc_ied_total"')
    assert changes(engine, pic) == [("changed", "indicator", "ied_attacks")]
    with session_scope(engine) as session:
        report = compute(session, commission_id="pic-iraq-2006", actor=TESTER)
    assert report.computed == 19  # nationwide and the 18 governorates of ied_attacks
    after = series_state(engine)
    assert {k: v for k, v in after.items() if k in before} == before  # old ones kept
    assert len(after) == len(before) + 19


def test_a_removed_indicator_keeps_its_history(engine: Engine, pic: Path) -> None:
    text = pic.read_text(encoding="utf-8")
    start = text.index('[[indicator]]\nid = "attacks_on_coalition"')
    end = text.index("[[phase]]")
    pic.write_text(text[:start] + text[end:], encoding="utf-8")
    before = series_state(engine)
    assert changes(engine, pic) == [("removed", "indicator", "attacks_on_coalition")]
    with session_scope(engine) as session:
        current = framework(session, commission_id="pic-iraq-2006")
        first = framework(session, commission_id="pic-iraq-2006", version=1)
        rows = session.scalars(select(Indicator).where(Indicator.key == "attacks_on_coalition"))
        kept = [(r.added_in, r.replaced_in) for r in rows]
    assert "attacks_on_coalition" not in [i.key for i in current.indicators]
    assert "attacks_on_coalition" in [i.key for i in first.indicators]
    assert kept == [(1, 2)]
    assert series_state(engine) == before


def test_the_same_file_again_makes_no_version(engine: Engine, pic: Path) -> None:
    with session_scope(engine) as session:
        report = load_commission(session, path=pic, actor=TESTER)
        versions = session.scalar(select(func.count()).select_from(FrameworkVersion))
    assert (report.loaded, report.version, versions) == (False, 1, 1)


def test_a_default_gate_change_changes_every_area_gate(engine: Engine, pic: Path) -> None:
    edit(pic, "<= 5, 12w)", "<= 5, 10w)")
    got = changes(engine, pic)
    assert len(got) == 18  # the default gate of every governorate
    assert ("changed", "gate", "provincial-iraqi-control/anbar") in got
    assert {kind for _, kind, _ in got} == {"gate"}


def test_an_area_change_computes_only_that_area(engine: Engine, pic: Path) -> None:
    before = series_state(engine)
    edit(pic, 'governorates = ["anbar"]', 'governorates = ["anbar", "ninewa"]')
    assert changes(engine, pic) == [("changed", "area", "anbar")]
    with session_scope(engine) as session:
        report = compute(session, commission_id="pic-iraq-2006", actor=TESTER)
    assert report.computed == 3  # the three per-area indicators over the new Anbar
    after = series_state(engine)
    assert {k: v for k, v in after.items() if k in before} == before


def test_a_reload_keeps_members_and_refuses_other_parties(engine: Engine, pic: Path) -> None:
    with session_scope(engine) as session:
        add_member(
            session,
            actor=TESTER,
            username="analyst",
            name="A. Analyst",
            role="analyst",
            password="a long enough password",
            commission_id="pic-iraq-2006",
            party="iq",
        )
    edit(pic, 'name = "Government of Iraq"', 'name = "Government of the Republic of Iraq"')
    assert changes(engine, pic) == [("changed", "party", "iq")]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 1
    edit(pic, '{ id = "iq",', '{ id = "gov-iq",')
    with pytest.raises(ConfigError, match="its parties cannot change once loaded"):
        changes(engine, pic)


def test_init_says_what_changed(engine: Engine, pic: Path) -> None:
    edit(pic, "threshold = 2\n", "threshold = 3\n")
    result = runner.invoke(app, ["init", str(pic)])
    assert result.exit_code == 0, result.output
    assert "as version 2 (was version 1)" in result.output
    assert "changed  indicator ied_attacks" in result.output
    assert "0 indicator series computed" in result.output
    again = runner.invoke(app, ["init", str(pic)])
    assert "unchanged" in again.output and "(version 2)" in again.output
