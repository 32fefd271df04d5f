"""Commission configuration: the shipped ones load; bad ones name the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from hmc.errors import ConfigError
from hmc.framework.config import load_config
from hmc.framework.models import Commission, Gate, Indicator
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import session_scope

IRAQ = next(p for p in shipped_commissions() if p.stem == "hmc-iraq-2024")
PIC = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")


def test_shipped_commissions_default_first() -> None:
    assert [p.stem for p in shipped_commissions()] == ["hmc-iraq-2024", "pic-iraq-2006"]


def test_iraq_commission_has_the_seeds_factors_and_enablers() -> None:
    config, _ = load_config(IRAQ)
    assert [f.name for f in config.factor] == [
        "ISIS threat",
        "Operational environment",
        "Capabilities of Iraqi forces",
    ]
    enablers = [i.id for i in config.indicator if i.factor == "isf-capability"]
    assert len(enablers) == 7 and all(
        i.scale == "capability" for i in config.indicator if i.id in enablers
    )
    assert [a.id for a in config.area] == ["federal-iraq", "kurdistan-region"]
    kurdistan = config.phase[1].gate["kurdistan-region"]
    assert str(kurdistan.no_later_than) == "2026-09-30" and kurdistan.when


def test_loading_is_idempotent_and_reload_replaces(engine: Engine) -> None:
    with session_scope(engine) as session:
        _, changed = load_commission(session, path=PIC)
        assert changed
    with session_scope(engine) as session:
        _, changed = load_commission(session, path=PIC)
        assert not changed
        assert session.scalar(select(func.count()).select_from(Commission)) == 1
        # 18 governorates, one gate each from the default gate
        assert session.scalar(select(func.count()).select_from(Gate)) == 18
        assert session.scalar(select(func.count()).select_from(Indicator)) == 3


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = IRAQ.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, text.replace(old, new, 1))


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_unknown_factor_names_file_line_and_key(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'factor = "operational-environment"', 'factor = "weather"')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = _line_of(path, 'factor = "weather"')
    assert caught.value.details["line"] == line
    assert caught.value.details["key"] == "indicator.2.factor"
    assert str(path) in caught.value.message and f"line {line}" in caught.value.message
    assert 'unknown factor "weather"' in caught.value.message


def test_gate_syntax_error_points_at_line_and_column(tmp_path: Path) -> None:
    path = _variant(tmp_path, "isf_intelligence >= 3", "isf_intelligence >= >= 3")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.details["line"] == _line_of(path, ">= >= 3")
    assert caught.value.details["key"] == "phase.1.gate.federal-iraq.when"
    assert "column" in caught.value.message and "^" in caught.value.message


def test_gate_with_unknown_indicator(tmp_path: Path) -> None:
    path = _variant(tmp_path, "isf_command >= 4", "isf_morale >= 4")
    with pytest.raises(ConfigError, match=r"unknown indicator.*isf_morale"):
        load_config(path)


def test_schema_error_wrong_type(tmp_path: Path) -> None:
    path = _variant(tmp_path, "threshold = 5\n", 'threshold = "five"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.details["key"] == "indicator.0.threshold"
    assert caught.value.details["line"] == _line_of(path, 'threshold = "five"')


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'better = "lower"', 'beter = "lower"')
    with pytest.raises(ConfigError, match="beter"):
        load_config(path)


def test_unknown_governorate(tmp_path: Path) -> None:
    path = _variant(tmp_path, '"halabja"]', '"atlantis"]')
    with pytest.raises(ConfigError, match='unknown governorate "atlantis"') as caught:
        load_config(path)
    assert caught.value.details["line"] == _line_of(path, "atlantis")


def test_toml_syntax_error_names_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[commission]\nid = "x"\nname = \n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.details["line"] == 3 and str(path) in caught.value.message


def test_bad_config_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = _variant(tmp_path, 'factor = "operational-environment"', 'factor = "weather"')
    with pytest.raises(ConfigError), session_scope(engine) as session:
        load_commission(session, path=path)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commission)) == 0
