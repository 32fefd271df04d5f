"""Gate states from dates alone, conditions alone, and both, on a small commission."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from hmc.actor import Actor
from hmc.framework.service import framework, load_commission
from hmc.storage import session_scope
from hmc.timeline.status import status

TESTER = Actor.system("tests")

CONFIG = """
[commission]
id = "t"
name = "Test commission"
country = "iraq"
parties = [{ id = "a", name = "A" }, { id = "b", name = "B" }]

[[factor]]
id = "capability"
name = "Capability"

[[scale]]
id = "level"
name = "Level"
levels = [{ value = 1, label = "low" }, { value = 5, label = "high" }]

[[area]]
id = "north"
name = "North"
governorates = ["Ninawa"]

[[area]]
id = "south"
name = "South"
governorates = ["Basrah"]

[[area]]
id = "west"
name = "West"
governorates = ["Al-Anbar"]

[[indicator]]
id = "readiness"
name = "Readiness"
factor = "capability"
scale = "level"
better = "higher"

[[phase]]
id = "start"
name = "Start"

[[phase]]
id = "next"
name = "Next"
after = "start"
  [phase.gate.north]
  no_later_than = "2025-09-30"
  [phase.gate.south]
  not_before = "2025-01-01"
  [phase.gate.west]
  when = "readiness >= 4 or not (readiness < 4)"
  not_before = "2024-06-01"
"""


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (
            date(2024, 1, 1),
            {
                "North": (False, "date: holds on 2025-09-30"),
                "South": (False, "date: not before 2025-01-01"),
                "West": (False, "date: not before 2024-06-01"),
            },
        ),
        (
            date(2025, 3, 1),
            {
                "North": (False, "date: holds on 2025-09-30"),
                "South": (True, "date: from 2025-01-01"),
                "West": (None, "conditions unknown: missing data"),
            },
        ),
        (
            date(2025, 9, 30),
            {
                "North": (True, "date: no later than 2025-09-30"),
                "South": (True, "date: from 2025-01-01"),
                "West": (None, "conditions unknown: missing data"),
            },
        ),
    ],
)
def test_gate_states(
    engine: Engine, tmp_path: Path, as_of: date, expected: dict[str, tuple[bool | None, str]]
) -> None:
    path = tmp_path / "t.toml"
    path.write_text(CONFIG, encoding="utf-8")
    with session_scope(engine) as session:
        load_commission(session, path=path, actor=TESTER)
        result = status(session, commission_id="t", as_of=as_of)
        got = {g.gate.area.name: (g.held, g.reason) for g in result.gates}
    assert got == expected


def test_aliases_in_areas_are_normalised(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text(CONFIG, encoding="utf-8")
    with session_scope(engine) as session:
        load_commission(session, path=path, actor=TESTER)
        current = framework(session, commission_id="t")
    names = {a.key: list(a.governorates) for a in current.areas}
    assert names == {"north": ["ninewa"], "south": ["basra"], "west": ["anbar"]}


@pytest.mark.parametrize(("when", "held"), [("true", True), ("false", False), ("not false", True)])
def test_a_gate_of_no_indicator_is_evaluated(
    engine: Engine, tmp_path: Path, when: str, held: bool
) -> None:
    path = tmp_path / "t.toml"
    text = CONFIG.replace('[[phase]]\nid = "start"', '[[phase]]\nid = "start"')
    path.write_text(
        text
        + f'\n[[phase]]\nid = "free"\nname = "Free"\n  [phase.default_gate]\n  when = "{when}"\n',
        encoding="utf-8",
    )
    with session_scope(engine) as session:
        load_commission(session, path=path, actor=TESTER)
        result = status(session, commission_id="t", as_of=date(2025, 1, 1))
    free = [g for g in result.gates if g.phase_key == "free"]
    assert len(free) == 3 and {(g.held, g.values == {}) for g in free} == {(held, True)}
