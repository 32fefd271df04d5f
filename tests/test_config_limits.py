"""Configuration limits: text as long as its column, nesting hmc can read without recursing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hmc.errors import ConfigError
from hmc.framework.config import MAX_NESTING, load_config
from hmc.framework.service import shipped_commissions

IRAQ = next(p for p in shipped_commissions() if p.stem == "hmc-iraq-2024")


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = IRAQ.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "long.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _with_gate(tmp_path: Path, when: str) -> Path:
    """The Iraq commission with ``when`` as the transition's gate for federal Iraq."""
    text = IRAQ.read_text(encoding="utf-8")
    start = text.index("when = ", text.index("[phase.gate.federal-iraq]"))
    end = text.index("\n", start)
    path = tmp_path / "gate.toml"
    path.write_text(f'{text[:start]}when = """{when}"""{text[end:]}', encoding="utf-8")
    return path


def _refused(path: Path) -> tuple[str, object]:
    """The message and the line of the ConfigError loading ``path`` raises."""
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.message, caught.value.details.get("line")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


# --- lengths --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "item", "limit"),
    [
        ('name = "US–Iraq Higher Military Commission"', "commission: name", 200),
        ('id = "hmc-iraq-2024"', "commission: id", 64),
        ('name = "Republic of Iraq"', "commission, party iq: name", 200),
        ('id = "iq"', "commission, party #2: id", 32),
        ('unit = "incidents / week"', "indicator isis_incidents: unit", 64),
        (
            'rationale = "Ability to train and regenerate forces without Coalition trainers."',
            "indicator isf_training: rationale",
            10_000,
        ),
        ('label = "Not capable"', "scale capability, level 1: label", 200),
        (
            'description = "A lasting bilateral security relationship between the United States'
            ' and Iraq."',
            "phase bilateral-partnership: description",
            10_000,
        ),
    ],
)
def test_text_longer_than_its_column_is_refused_saying_the_limit(
    tmp_path: Path, old: str, item: str, limit: int
) -> None:
    key = old.split(" = ")[0]
    long = "a" * (limit + 1)
    path = _variant(tmp_path, old, f'{key} = "{long}"')
    message, line = _refused(path)
    assert line == _line_of(path, long)
    assert message == (
        f"{path}, line {line}: {item}: at most {limit:,} characters (this one has {limit + 1:,})"
    )


def test_a_huge_name_is_refused_at_once(tmp_path: Path) -> None:
    name = "x" * 100_000
    path = _variant(tmp_path, '"US–Iraq Higher Military Commission"', f'"{name}"')
    started = time.perf_counter()
    message, _ = _refused(path)
    assert time.perf_counter() - started < 2
    assert message.endswith(": commission: name: at most 200 characters (this one has 100,000)")


def test_a_long_gate_and_governorate_are_refused(tmp_path: Path) -> None:
    message, _ = _refused(_with_gate(tmp_path, "x > " + "1" * 1_997))
    assert message.endswith(
        ": phase transition, gate federal-iraq: when: at most 2,000 characters (this one has 2,001)"
    )
    message, _ = _refused(_variant(tmp_path, "2025-04-14 }]", f'2025-04-14 }}, "{"h" * 65}"]'))
    assert message.endswith(
        ": area kurdistan-region: governorates: at most 64 characters (this one has 65)"
    )


# --- nesting --------------------------------------------------------------------------------
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5_000])
def test_deeply_nested_arrays_are_refused_with_their_line(tmp_path: Path, depth: int) -> None:
    value = "[" * depth + "]" * depth
    path = _variant(tmp_path, "threshold = 5\n", f"threshold = {value}\n")
    message, line = _refused(path)
    assert line == _line_of(path, value)
    column = len("threshold = ") + MAX_NESTING + 1
    assert message == (
        f"{path}, line {line}, column {column}: nested too deeply"
        f" (at most {MAX_NESTING} levels of tables and arrays)"
    )


def test_deeply_nested_inline_tables_are_refused(tmp_path: Path) -> None:
    value = "{ a = " * 3_000 + "1" + " }" * 3_000
    message, _ = _refused(_variant(tmp_path, "threshold = 5\n", f"threshold = {value}\n"))
    assert "nested too deeply (at most 20 levels of tables and arrays)" in message


def test_brackets_in_strings_and_comments_do_not_count(tmp_path: Path) -> None:
    brackets = "[{" * 40
    path = _variant(
        tmp_path,
        'unit = "incidents / week"',
        f'unit = \'x\'  # {brackets}\nrationale = """{brackets}"""',
    )
    message, _ = _refused(path)  # the rationale is given twice: TOML's error, not nesting
    assert "nested" not in message


def test_deeply_dotted_keys_are_refused(tmp_path: Path) -> None:
    dotted = ".".join(["a"] * 1_000)
    path = _variant(tmp_path, "threshold = 5\n", f"{dotted} = 5\n")
    message, line = _refused(path)
    assert line == _line_of(path, dotted)
    assert message.endswith(
        f"nested too deeply (at most {MAX_NESTING} levels of tables and arrays)"
    )
    assert ": indicator isis_incidents: a.a.a." in message


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        (" or ".join(["x>1"] * 201), "too many conditions joined by and/or (at most 200)"),
        ("(" * 51 + "x>1" + ")" * 51, "too deeply nested (at most 50 levels of parentheses)"),
    ],
)
def test_a_gate_nested_too_deeply_names_the_gate_and_the_limit(
    tmp_path: Path, when: str, problem: str
) -> None:
    path = _with_gate(tmp_path, when)
    message, line = _refused(path)
    assert line == _line_of(path, when[:50])
    first = message.split("\n")[0]
    assert first.startswith(f"{path}, line {line}: phase transition, gate federal-iraq: when: ")
    assert problem in first
