"""Commission configuration: the shipped ones load; bad ones name the file, line and item."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from hmc.actor import Actor
from hmc.errors import ConfigError
from hmc.framework.config import load_config
from hmc.framework.models import Commission, Gate, Indicator
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import session_scope

IRAQ = next(p for p in shipped_commissions() if p.stem == "hmc-iraq-2024")
PIC = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")
TESTER = Actor.system("tests")


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


def test_loading_is_idempotent(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert load_commission(session, path=PIC, actor=TESTER).loaded
    with session_scope(engine) as session:
        assert not load_commission(session, path=PIC, actor=TESTER).loaded
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
    assert caught.value.details["key"] == "indicator attacks_on_us_forces: factor"
    assert caught.value.message == (
        f'{path}, line {line}: indicator attacks_on_us_forces: factor: unknown factor "weather"'
    )


def test_gate_syntax_error_points_at_line_and_column(tmp_path: Path) -> None:
    path = _variant(tmp_path, "isf_intelligence >= 3", "isf_intelligence >= >= 3")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = _line_of(path, ">= >= 3")
    assert caught.value.details["line"] == line
    assert caught.value.details["key"] == "phase transition, gate federal-iraq: when"
    first, _, caret = caught.value.message.split("\n")
    assert first.startswith(f"{path}, line {line}: phase transition, gate federal-iraq: when: ")
    assert first.endswith('unexpected ">=" at column 102') and caret.endswith("^")


def test_gate_with_unknown_indicator(tmp_path: Path) -> None:
    path = _variant(tmp_path, "isf_command >= 4", "isf_morale >= 4")
    with pytest.raises(ConfigError, match=r"unknown indicator.*isf_morale"):
        load_config(path)


def test_schema_error_wrong_type(tmp_path: Path) -> None:
    path = _variant(tmp_path, "threshold = 5\n", 'threshold = "five"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    line = _line_of(path, 'threshold = "five"')
    assert caught.value.message == (
        f"{path}, line {line}: indicator isis_incidents: threshold:"
        ' expected a number, not text ("five")'
    )


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'better = "lower"', 'beter = "lower"')
    with pytest.raises(ConfigError, match="beter"):
        load_config(path)


def test_unknown_governorate(tmp_path: Path) -> None:
    path = _variant(tmp_path, "2025-04-14 }]", '2025-04-14 }, "atlantis"]')
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
        load_commission(session, path=path, actor=TESTER)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Commission)) == 0


def _refused(path: Path) -> str:
    """The message of the ConfigError loading ``path`` raises."""
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.message


# --- items are named by their id ----------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "needle", "item"),
    [
        (
            "2025-04-14 }]",
            '2025-04-14 }, "atlantis"]',
            "atlantis",
            "area kurdistan-region: governorates",
        ),
        (
            'label = "Capable with Coalition enablers"',
            "label = 3",
            "label = 3",
            "scale capability, level 3: label",
        ),
        (
            'not_before = "2025-09-30"',
            "not_before = 7",
            "not_before = 7",
            "phase transition, gate kurdistan-region: not_before",
        ),
        (
            '{ id = "iq", name = "Republic of Iraq", name_ar = "جمهورية العراق" }',
            '{ id = "iq" }',
            '"iq"',
            "commission, party iq",
        ),
        (
            'after = "transition"',
            'after = "transition"\ncolour = 1',
            "colour",
            "phase bilateral-partnership: colour",
        ),
    ],
)
def test_errors_name_the_item_by_its_id(
    tmp_path: Path, old: str, new: str, needle: str, item: str
) -> None:
    path = _variant(tmp_path, old, new)
    assert _refused(path).startswith(f"{path}, line {_line_of(path, needle)}: {item}: ")


def test_an_item_whose_id_is_the_problem_is_named_by_its_position(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'id = "battle_deaths"', 'id = "Battle-Deaths"')
    line = _line_of(path, "Battle-Deaths")
    assert _refused(path) == (
        f'{path}, line {line}: indicator #2: id: "Battle-Deaths" is not an id'
        ' (write lowercase letters, digits and "_", starting with a letter)'
    )


# --- phases ---------------------------------------------------------------------------------
def test_a_phase_after_itself_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, 'after = "coalition-mission"', 'after = "transition"')
    line = _line_of(path, 'after = "transition"')
    assert _refused(path) == (
        f'{path}, line {line}: phase transition: after: "transition" comes after itself'
    )


@pytest.mark.parametrize(
    ("old", "new", "cycle"),
    [
        (
            'after = "coalition-mission"',
            'after = "bilateral-partnership"',
            "transition after bilateral-partnership after transition",
        ),
        (
            'id = "coalition-mission"',
            'id = "coalition-mission"\nafter = "bilateral-partnership"',
            "coalition-mission after bilateral-partnership after transition"
            " after coalition-mission",
        ),
    ],
)
def test_a_cycle_of_phases_is_refused_naming_them(
    tmp_path: Path, old: str, new: str, cycle: str
) -> None:
    path = _variant(tmp_path, old, new)
    assert _refused(path).endswith(f": after: the phases form a cycle: {cycle}")


# --- duplicates -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spelling", "problem"),
    [
        ('"halabja"', "Halabja is listed twice"),
        ('"Arbil"', 'Erbil is listed twice (as "erbil" and "Arbil")'),
    ],
)
def test_a_governorate_twice_in_an_area_is_refused(
    tmp_path: Path, spelling: str, problem: str
) -> None:
    path = _variant(tmp_path, "2025-04-14 }]", f"2025-04-14 }}, {spelling}]")
    line = _line_of(path, spelling)
    assert _refused(path) == (
        f"{path}, line {line}: area kurdistan-region: governorates: {problem}"
    )


def test_a_scale_level_value_twice_is_refused(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, '{ value = 3, label = "Capable with', '{ value = 2, label = "Capable with'
    )
    line = _line_of(path, '{ value = 2, label = "Capable with Coalition enablers"')
    assert _refused(path) == (
        f"{path}, line {line}: scale capability, level #3: value: 2 is given twice"
        " (values must differ)"
    )


def test_a_party_id_twice_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, '{ id = "iq",', '{ id = "us",')
    assert _refused(path).endswith(
        ': commission, party #2: id: "us" is given twice (ids must differ)'
    )


# --- numbers are numbers --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "item", "problem"),
    [
        (
            "threshold = 5\n",
            "threshold = true\n",
            "indicator isis_incidents: threshold",
            "expected a number, not true",
        ),
        (
            "{ value = 1,",
            "{ value = true,",
            "scale capability, level #1: value",
            "expected a whole number, not true",
        ),
        (
            "{ value = 1,",
            "{ value = 1.5,",
            "scale capability, level #1: value",
            "expected a whole number, not 1.5",
        ),
        (
            "{ value = 1,",
            '{ value = "1",',
            "scale capability, level #1: value",
            'expected a whole number, not text ("1")',
        ),
        (
            'name = "Federal Iraq"',
            "name = false",
            "area federal-iraq: name",
            "expected text, not false",
        ),
    ],
)
def test_booleans_and_text_are_not_read_as_numbers(
    tmp_path: Path, old: str, new: str, item: str, problem: str
) -> None:
    path = _variant(tmp_path, old, new)
    assert _refused(path).endswith(f": {item}: {problem}")


# --- unknown keys ---------------------------------------------------------------------------
def test_a_misspelt_table_is_reported_on_its_line(tmp_path: Path) -> None:
    path = _variant(
        tmp_path, '[[indicator]]\nid = "battle_deaths"', '[[indicators]]\nid = "battle_deaths"'
    )
    line = _line_of(path, "[[indicators]]")
    assert _refused(path) == f"{path}, line {line}: indicators: unknown key"


def test_an_unknown_top_level_key_is_reported_on_its_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "[commission]", "version = 2\n\n[commission]")
    assert _refused(path) == f"{path}, line {_line_of(path, 'version = 2')}: version: unknown key"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('indicator = "isf_training"\nlevel = 4', 'indicator = "isis_incidents"\nlevel = 4',
         'indicator: "isis_incidents" is not a rated indicator'),
        ('indicator = "isf_training"\nlevel = 4', 'indicator = "isf_training"\nlevel = 7',
         "level: 7 is not a level of its scale (1, 2, 3, 4, 5)"),
        ("slip_chance = 0.3", "slip_chance = 1.3", "less than or equal to 1"),
        ('phase = "transition"\nby = { federal-iraq = "date", kurdistan-region = "date" }',
         'phase = "handover"\nby = { federal-iraq = "date", kurdistan-region = "date" }',
         'unknown phase "handover"'),
        ('dates = { federal-iraq = "2025-09-30" }', "dates = {}",
         "areas decided by date need a date in dates: federal-iraq"),
        ('by = { federal-iraq = "date", kurdistan-region = "gate" }',
         'by = { federal-iraq = "date", kurdistan-region = "soon" }', "kurdistan-region"),
    ],
)  # fmt: skip
def test_milestones_and_scenarios_are_checked_on_loading(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in caught.value.message
    assert caught.value.message.startswith(f"{path}, line ")


def test_an_edited_milestone_is_a_new_version_that_says_so(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        load_commission(session, path=IRAQ, actor=TESTER)
    edited = _variant(tmp_path, 'by = "2025-12-31"', 'by = "2026-06-30"')
    with session_scope(engine) as session:
        report = load_commission(session, path=edited, actor=TESTER)
    assert report.version == 2
    assert [(c.kind, c.change) for c in report.changes] == [("planning", "changed")]


# --- governorates with the date they belong from ----------------------------------------------
def test_a_governorate_belongs_to_its_area_from_its_date() -> None:
    config, _ = load_config(IRAQ)
    kurdistan = next(a for a in config.area if a.id == "kurdistan-region")
    assert kurdistan.governorate_names == ["erbil", "dohuk", "sulaymaniyah", "halabja"]
    assert kurdistan.since("halabja") == date(2025, 4, 14)
    assert kurdistan.since("erbil") is None


def test_a_dated_governorate_needs_a_date(tmp_path: Path) -> None:
    path = _variant(tmp_path, "from = 2025-04-14 }", "form = 2025-04-14 }")
    with pytest.raises(ConfigError, match="area kurdistan-region: governorates"):
        load_config(path)
