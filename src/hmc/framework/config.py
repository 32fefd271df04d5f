"""Reading a commission configuration: TOML syntax, the schema, then cross-references.

Every error names the file, the line and the item by its id, then the key, e.g.
``my.toml, line 54: indicator isis_incidents: threshold: expected a number, not true``.
A replay's ``as_of`` and a gate's ``not_before`` and ``no_later_than`` are read as the schema
says (:mod:`hmc.framework.schemas`): exactly YYYY-MM-DD, within the dates hmc works with
(:mod:`hmc.domain.days`).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from hmc.domain.gates import parse_gate
from hmc.domain.gazetteer import Gazetteer
from hmc.errors import ConfigError, GateError
from hmc.framework.schemas import IDENT, SLUG, CommissionConfig, GateConfig, IndicatorConfig
from hmc.gazetteers import load_gazetteer

Loc = tuple[str | int, ...]
_HEADER = re.compile(r"\s*(\[\[?)([^\]]*)\]")  # no backtracking on a long line
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
# TOML as tokens: strings, comments, brackets, commas and bare words (keys, numbers, "=").
_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?""""{0,2}'
    r"|'''.*?''''{0,2}"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{},]"
    r"|[^\s,\[\]{}#\"']+",
    re.S,
)

MAX_INTEGER = 2**31 - 1
"""The largest whole number an integer column stores (32 bits in PostgreSQL)."""
MAX_NESTING = 20
"""The deepest tables and arrays may nest in a configuration."""
_MAX_TOML_INTEGER = 2**63 - 1  # beyond it SQLite refuses an integer and a float loses digits
_SHOWN = 64  # a longer id or key is cut in messages
# The arrays whose items are named by a field (an id, a level's value), and what one is called.
_ITEMS = {
    "factor": ("factor", "id"),
    "scale": ("scale", "id"),
    "area": ("area", "id"),
    "indicator": ("indicator", "id"),
    "phase": ("phase", "id"),
    "category": ("category", "id"),
    "parties": ("party", "id"),
    "levels": ("level", "value"),
}
# Pydantic's wording, said the way a person editing the file reads it.
_MESSAGES = {
    "missing": "missing (this key is required)",
    "extra_forbidden": "unknown key",
}  # dates say what is wrong themselves (schemas.Day)
_EXPECTED = {
    "float_type": "a number",
    "int_type": "a whole number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
}
_PATTERNS = {
    SLUG: 'lowercase letters, digits and "-", starting with a letter',
    IDENT: 'lowercase letters, digits and "_", starting with a letter',
}


@dataclass(frozen=True)
class _Source:
    """A configuration being read: where it is, its text and its parsed TOML."""

    path: Path
    text: str
    raw: dict[str, Any]

    def error(self, loc: Loc, message: str) -> ConfigError:
        """A ConfigError naming the file, the line and the item at ``loc``."""
        item = describe(self.raw, loc)
        line = locate(self.text, loc)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return ConfigError(f"{where}: {item}: {message}", file=str(self.path), line=line, key=item)


def load_config(path: Path) -> tuple[CommissionConfig, str]:
    """Parse and validate the configuration at ``path``; return it with its text."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start} cannot be read)", file=str(path)
        ) from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})", file=str(path)) from exc
    source = _Source(path, text, _parse_toml(path, text))
    if not source.raw:
        raise ConfigError(
            f"{path}: the file is empty (expected a [commission] table)", file=str(path)
        )
    _check_values(source)
    try:
        config = CommissionConfig.model_validate(source.raw)
    except ValidationError as exc:
        # a misspelt key also makes the right one "missing": report the misspelling first
        first = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        raise source.error(_untagged(source.raw, tuple(first["loc"])), _message(first)) from exc
    _check_references(source, config)
    return config, text


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    """The TOML in ``text``; a ConfigError with line and column if it is not TOML."""
    if (deep := _too_deep(text)) is not None:  # tomllib recurses into arrays and tables
        line, column = deep
        raise ConfigError(
            f"{path}, line {line}, column {column}: nested too deeply"
            f" (at most {MAX_NESTING} levels of tables and arrays)",
            file=str(path),
            line=line,
            column=column,
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_WHERE.search(message)
        if found is None:
            raise ConfigError(f"{path}: {message}", file=str(path)) from exc
        line, column = int(found.group(1)), int(found.group(2))
        problem = message[: found.start()]
        raise ConfigError(
            f"{path}, line {line}, column {column}: {problem[:1].lower()}{problem[1:]}",
            file=str(path),
            line=line,
            column=column,
        ) from exc


def _too_deep(text: str) -> tuple[int, int] | None:
    """The line and column where arrays and inline tables nest beyond MAX_NESTING, if any.

    >>> _too_deep("a = " + "[" * 21 + "]" * 21)
    (1, 25)
    >>> _too_deep('a = "' + "[" * 21 + '"  # ' + "{" * 21) is None
    True
    """
    depth = 0
    for token in _TOKENS.finditer(text):
        if token.group() in ("[", "{"):
            depth += 1
            if depth > MAX_NESTING:
                start = token.start()
                return _line_at(text, start), start - text.rfind("\n", 0, start)
        elif token.group() in ("]", "}"):
            depth -= 1
    return None


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _message(error: ErrorDetails) -> str:
    """Pydantic's ``error`` in words for a person editing the file."""
    kind, value, ctx = error["type"], error["input"], error.get("ctx", {})
    if kind == "value_error":  # hmc's own words, without "Value error, "
        return str(ctx.get("error", error["msg"]))
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, not {_kind(value)}"
    if kind == "string_too_long":
        return f"at most {ctx['max_length']:,} characters (this one has {len(value):,})"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return f'"{_short(value)}" is not an id (write {_PATTERNS[ctx["pattern"]]})'
    return _MESSAGES.get(kind, error["msg"])


def _kind(value: object) -> str:
    """What a TOML value is, in a message: ``true``, ``text ("five")``, ``a table``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'text ("{_short(value)}")'
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        return "a table" if isinstance(value, dict) else "a list"
    return f"a {type(value).__name__}"  # a date, a time


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _check_values(source: _Source) -> None:
    """Nesting within MAX_NESTING; every number finite, whole numbers not too large."""
    stack: list[tuple[Loc, object]] = [((), source.raw)]
    while stack:  # not recursive: dotted keys nest tables without a bracket
        loc, value = stack.pop()
        if len(loc) > MAX_NESTING:
            raise source.error(
                loc, f"nested too deeply (at most {MAX_NESTING} levels of tables and arrays)"
            )
        if isinstance(value, dict):
            stack.extend(((*loc, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, n), item) for n, item in reversed(list(enumerate(value))))
        elif isinstance(value, float) and not math.isfinite(value):
            raise source.error(loc, f"{value} is not a number hmc can use (write a finite one)")
        elif isinstance(value, int) and abs(value) > _MAX_TOML_INTEGER:  # bool is 0 or 1
            raise source.error(loc, f"{value} is too large (at most {_MAX_TOML_INTEGER:,})")


def describe(raw: object, loc: Loc) -> str:
    """The item at ``loc`` named by its id (by its position when the id is the problem).

    >>> raw = {"phase": [{"id": "handover", "gate": {"north": {"when": "x"}}}]}
    >>> describe(raw, ("phase", 0, "gate", "north", "when"))
    'phase handover, gate north: when'
    >>> describe({"scale": [{"id": "c", "levels": [{"value": 3}]}]}, ("scale", 0, "levels", 0))
    'scale c, level 3'
    >>> describe({"indicator": [{"id": "Bad"}]}, ("indicator", 0, "id"))
    'indicator #1: id'
    """
    items: list[str] = []
    keys: list[str] = []
    node = raw
    for n, part in enumerate(loc):
        node, after = _child(node, part), loc[n + 1 : n + 2]
        if isinstance(part, int) and keys and keys[-1] in _ITEMS:
            word, field = _ITEMS[keys.pop()]
            name = node.get(field) if isinstance(node, dict) else None
            if after == (field,) or not _usable(name):
                items.append(f"{word} #{part + 1}")
            else:
                items.append(f"{word} {name}")
        elif part == "gate" and after and isinstance(after[0], str) and not keys:
            keys.append("gate")  # the next part is the area
        elif keys == ["gate"] and isinstance(part, str):
            items.append(f"gate {_short(part)}")
            keys = []
        elif part == "default_gate" and not keys:
            items.append("default gate")
        elif part == "commission" and n == 0:
            items.append("commission")
        elif isinstance(part, str) and part != "[key]":
            keys.append(_short(part))
    named = ", ".join(items)
    dotted = ".".join(keys)
    return f"{named}: {dotted}" if named and dotted else named or dotted


def _untagged(raw: object, loc: Loc) -> Loc:
    """``loc`` without the names Pydantic gives the members of a union (a governorate is a
    name or a table): the parts that are no key of the file, except a missing last one.

    >>> raw = {"area": [{"governorates": ["x", {"id": "y"}]}]}
    >>> _untagged(raw, ("area", 0, "governorates", 0, "constrained-str"))
    ('area', 0, 'governorates', 0)
    >>> _untagged(raw, ("area", 0, "governorates", 1, "DatedGovernorate", "from"))
    ('area', 0, 'governorates', 1, 'from')
    """
    kept: list[str | int] = []
    node = raw
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if isinstance(part, str) and not (isinstance(node, dict) and (part in node or last)):
            continue
        kept.append(part)
        node = _child(node, part)
    return tuple(kept)


def _child(node: object, part: str | int) -> object:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _usable(name: object) -> bool:
    """Whether ``name`` can name an item: a short id, or a level's whole-number value."""
    if isinstance(name, str):
        return re.fullmatch(r"[a-z][a-z0-9_-]*", name) is not None and len(name) <= _SHOWN
    return isinstance(name, int) and not isinstance(name, bool) and abs(name) <= MAX_INTEGER


def locate(text: str, loc: Loc) -> int | None:
    """The 1-based line of the key at ``loc`` (e.g. ``("indicator", 2, "factor")``).

    >>> locate("[a]\\nx = 1\\n[[b]]\\ny = 2\\n[[b]]\\ny = 3\\n", ("b", 1, "y"))
    6
    >>> locate("[a]\\nx = 1\\n[[bs]]\\ny = 2\\n", ("bs",))
    3
    """
    lines = text.splitlines()
    headers: list[tuple[int, Loc]] = [(0, ()), *_headers(lines)]
    start, path = max(
        (header for header in headers if loc[: len(header[1])] == header[1]),
        key=lambda header: len(header[1]),
    )
    if len(loc) == len(path):
        return start or None
    key = re.compile(rf'\s*"?{re.escape(str(loc[len(path)]))}"?\s*[=.]')
    for number, line in enumerate(lines[start:], start=start + 1):
        if _HEADER.match(line):
            break
        if found := key.match(line):
            index = loc[len(path) + 1 : len(path) + 2]
            if not index or not isinstance(index[0], int):
                return number
            offset = sum(len(before) + 1 for before in lines[: number - 1]) + found.end()
            return _element_line(text, offset, index[0]) or number
    within = loc[: len(path) + 1]  # a table of its own, e.g. a misspelt [[indicators]]
    below = (number for number, header in headers if header[: len(within)] == within)
    return next(below, start) or None


def _element_line(text: str, offset: int, index: int) -> int | None:
    """The line where item ``index`` of the inline array at ``offset`` begins, if it is one.

    >>> _element_line('a = [\\n  { v = 1 },\\n  { v = [2, 3] },\\n  "x",\\n]', 3, 2)
    4
    """
    tokens = _TOKENS.finditer(text, offset)
    first = next(tokens, None)
    if first is None or first.group() != "[":
        return None
    depth, count = 1, 0
    for token in tokens:
        kind = token.group()
        if depth == 1 and count == index and kind not in (",", "]") and kind[0] != "#":
            return _line_at(text, token.start())
        if kind in ("[", "{"):
            depth += 1
        elif kind in ("]", "}"):
            depth -= 1
            if depth == 0:
                return None
        elif kind == "," and depth == 1:
            count += 1
    return None


def _headers(lines: list[str]) -> list[tuple[int, Loc]]:
    """Each table header's line and the path it opens, with array items numbered."""
    headers: list[tuple[int, Loc]] = []
    counts: dict[Loc, int] = {}
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line)
        if not match:
            continue
        names = tuple(part.strip().strip('"') for part in match.group(2).split("."))
        path: Loc = ()
        for depth, name in enumerate(names):
            path = (*path, name)
            if depth == len(names) - 1 and match.group(1) == "[[":
                counts[path] = counts.get(path, 0) + 1
            if path in counts:
                path = (*path, counts[path] - 1)
        headers.append((number, path))
    return headers


def _check_references(source: _Source, config: CommissionConfig) -> None:
    """What the schema cannot see: unique ids, known names, no cycle of phases."""
    try:
        gazetteer = load_gazetteer(config.commission.country)
    except ConfigError as exc:
        raise source.error(("commission", "country"), exc.message) from exc
    _unique(source, ("commission", "parties"), [p.id for p in config.commission.parties], "id")
    for kind in ("factor", "scale", "area", "indicator", "phase"):
        _unique(source, (kind,), [item.id for item in getattr(config, kind)], "id")
    for n, scale in enumerate(config.scale):
        for k, level in enumerate(scale.levels):
            if abs(level.value) > MAX_INTEGER:
                where: Loc = ("scale", n, "levels", k, "value")
                raise source.error(where, f"{level.value} is too large (at most {MAX_INTEGER:,})")
        _unique(source, ("scale", n, "levels"), [level.value for level in scale.levels], "value")
    _check_areas(source, config, gazetteer)
    factors = {f.id for f in config.factor}
    scales = {s.id for s in config.scale}
    for n, ind in enumerate(config.indicator):
        if ind.factor not in factors:
            raise source.error(("indicator", n, "factor"), f'unknown factor "{ind.factor}"')
        if ind.scale is not None and ind.scale not in scales:
            raise source.error(("indicator", n, "scale"), f'unknown scale "{ind.scale}"')
        _check_measured(source, config, n, ind)
    _check_phases(source, config)
    for n, phase in enumerate(config.phase):
        gates: list[tuple[Loc, GateConfig]] = [
            (("phase", n, "gate", area), gate) for area, gate in phase.gate.items()
        ]
        if phase.default_gate is not None:
            gates.append((("phase", n, "default_gate"), phase.default_gate))
        for loc, gate in gates:
            _check_gate(source, config, loc, gate)
    _check_planning(source, config)


def _check_measured(
    source: _Source, config: CommissionConfig, n: int, ind: IndicatorConfig
) -> None:
    """A party's account names a party; a derived indicator derives from events indicators."""
    parties = [p.id for p in config.commission.parties]
    if ind.account is not None and ind.account not in parties:
        what = f'"{_short(ind.account)}" is not a party (parties: {", ".join(parties)})'
        raise source.error(("indicator", n, "account"), what)
    events = {i.id for i in config.indicator if i.source == "events"}
    for name in ind.of or ():
        if name not in events:
            what = f'"{_short(name)}" is not an indicator "from = events" of this commission'
            raise source.error(("indicator", n, "of"), what)


def _check_planning(source: _Source, config: CommissionConfig) -> None:
    """Milestones raise a rated indicator to a level of its scale; scenarios name real things."""
    areas = {a.id for a in config.area}
    levels = {s.id: {lv.value for lv in s.levels} for s in config.scale}
    rated = {i.id: levels[i.scale] for i in config.indicator if i.scale is not None}
    for n, milestone in enumerate(config.milestone):
        if milestone.indicator not in rated:
            what = f'"{_short(milestone.indicator)}" is not a rated indicator'
            raise source.error(("milestone", n, "indicator"), what)
        if milestone.area is not None and milestone.area not in areas:
            raise source.error(("milestone", n, "area"), f'unknown area "{_short(milestone.area)}"')
        if milestone.level not in rated[milestone.indicator]:
            shown = ", ".join(str(v) for v in sorted(rated[milestone.indicator]))
            what = f"{milestone.level} is not a level of its scale ({shown})"
            raise source.error(("milestone", n, "level"), what)
    _unique(source, ("scenario",), [s.id for s in config.scenario], "id")
    phases = {p.id for p in config.phase}
    for n, scenario in enumerate(config.scenario):
        if scenario.phase not in phases:
            raise source.error(
                ("scenario", n, "phase"), f'unknown phase "{_short(scenario.phase)}"'
            )
        for field in ("by", "dates"):
            for area in getattr(scenario, field):
                if area not in areas:
                    raise source.error(
                        ("scenario", n, field, area), f'unknown area "{_short(area)}"'
                    )


def _unique(source: _Source, loc: Loc, values: Sequence[str | int], key: str) -> None:
    seen: set[str | int] = set()
    for n, value in enumerate(values):
        if value in seen:
            shown = f'"{value}"' if isinstance(value, str) else value
            raise source.error((*loc, n, key), f"{shown} is given twice ({key}s must differ)")
        seen.add(value)


def _check_areas(source: _Source, config: CommissionConfig, gazetteer: Gazetteer) -> None:
    """Each governorate is known, listed once in its area whatever its spelling, and named in
    Arabic only if listed."""
    for n, area in enumerate(config.area):
        spellings: dict[str, str] = {}
        for k, name in enumerate(area.governorate_names):
            where: Loc = ("area", n, "governorates", k)
            slug = gazetteer.governorate(name)
            if slug is None:
                raise source.error(where, f'unknown governorate "{name}"')
            if slug in spellings:
                first = spellings[slug]
                same = "twice" if first == name else f'twice (as "{first}" and "{name}")'
                raise source.error(where, f"{gazetteer.names[slug]} is listed {same}")
            spellings[slug] = name
        for name in area.governorates_ar:
            if name not in area.governorate_names:
                listed = ", ".join(area.governorate_names)
                raise source.error(
                    ("area", n, "governorates_ar", name),
                    f'"{_short(name)}" is not a governorate of this area (it lists: {listed})',
                )


def _check_phases(source: _Source, config: CommissionConfig) -> None:
    """Each phase comes after a known phase, and no phase comes after itself, however far."""
    after = {p.id: p.after for p in config.phase}
    for n, phase in enumerate(config.phase):
        if phase.after is not None and phase.after not in after:
            raise source.error(("phase", n, "after"), f'unknown phase "{phase.after}"')
        if phase.min_duration > MAX_INTEGER:
            raise source.error(("phase", n, "min_duration"), f"{phase.min_duration}w is too long")
    for n, phase in enumerate(config.phase):
        chain = [phase.id]
        step = phase.after
        while step is not None and step not in chain:
            chain.append(step)
            step = after[step]
        if step == phase.id:
            if len(chain) == 1:
                raise source.error(("phase", n, "after"), f'"{phase.id}" comes after itself')
            cycle = " after ".join([*chain, phase.id])
            raise source.error(("phase", n, "after"), f"the phases form a cycle: {cycle}")


def _check_gate(source: _Source, config: CommissionConfig, loc: Loc, gate: GateConfig) -> None:
    """The gate at ``loc`` is for a known area, and its condition parses and names indicators."""
    if loc[-1] != "default_gate" and loc[-1] not in {a.id for a in config.area}:
        raise source.error(loc, f'unknown area "{_short(str(loc[-1]))}"')
    if gate.when is None:
        return
    name = describe(source.raw, loc)
    try:
        parsed = parse_gate(gate.when, source=name)
    except GateError as exc:
        raise source.error((*loc, "when"), exc.message.removeprefix(f'gate "{name}": ')) from exc
    unknown = parsed.indicators() - {i.id for i in config.indicator}
    if unknown:
        names = ", ".join(_short(ident) for ident in sorted(unknown))
        raise source.error((*loc, "when"), f"unknown indicator(s): {names}")
