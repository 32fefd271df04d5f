"""Reading a commission configuration: TOML syntax, the schema, then cross-references.

Every error names the file, the line and the key. A replay's ``as_of`` and a gate's
``not_before`` and ``no_later_than`` are read as the schema says (:mod:`hmc.framework.schemas`):
exactly YYYY-MM-DD, within the dates hmc works with (:mod:`hmc.domain.days`).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from hmc.domain.gates import parse_gate
from hmc.errors import ConfigError, GateError
from hmc.evidence.gazetteer import load_gazetteer
from hmc.framework.schemas import CommissionConfig, GateConfig

Loc = tuple[str | int, ...]
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

MAX_INTEGER = 2**31 - 1
"""The largest whole number an integer column stores (32 bits in PostgreSQL)."""
_MAX_TOML_INTEGER = 2**63 - 1  # beyond it SQLite refuses an integer and a float loses digits
# Pydantic's wording, said the way a person editing the file reads it.
_MESSAGES = {
    "missing": "missing (this key is required)",
    "extra_forbidden": "unknown key",
}  # dates say what is wrong themselves (schemas.Day)


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
    try:
        raw = tomllib.loads(text)
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
    if not raw:
        raise ConfigError(
            f"{path}: the file is empty (expected a [commission] table)", file=str(path)
        )
    _check_numbers(path, text, raw, ())
    try:
        config = CommissionConfig.model_validate(raw)
    except ValidationError as exc:
        # a misspelt key also makes the right one "missing": report the misspelling first
        first = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        message = _MESSAGES.get(first["type"], first["msg"])
        if first["type"] == "value_error":  # hmc's own words, without "Value error, "
            message = str(first.get("ctx", {}).get("error", message))
        raise _located(path, text, tuple(first["loc"]), message) from exc
    _check_references(path, text, config)
    return config, text


def _check_numbers(path: Path, text: str, value: object, loc: Loc) -> None:
    """Every number can be stored and computed with: finite, and whole numbers not too large."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_numbers(path, text, item, (*loc, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _check_numbers(path, text, item, (*loc, n))
    elif isinstance(value, float) and not math.isfinite(value):
        raise _located(path, text, loc, f"{value} is not a number hmc can use (write a finite one)")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_TOML_INTEGER:
        raise _located(path, text, loc, f"{value} is too large (at most {_MAX_TOML_INTEGER:,})")


def _located(path: Path, text: str, loc: Loc, message: str) -> ConfigError:
    key = ".".join(str(part) for part in loc)
    line = locate(text, loc)
    where = f"{path}, line {line}" if line else str(path)
    return ConfigError(f'{where}, key "{key}": {message}', file=str(path), line=line, key=key)


def locate(text: str, loc: Loc) -> int | None:
    """The 1-based line of the key at ``loc`` (e.g. ``("indicator", 2, "factor")``).

    >>> locate("[a]\\nx = 1\\n[[b]]\\ny = 2\\n[[b]]\\ny = 3\\n", ("b", 1, "y"))
    6
    """
    headers: list[tuple[int, Loc]] = []
    counts: dict[Loc, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
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
    best: tuple[int, Loc] = (0, ())
    best_len = -1
    for number, path in headers:
        if loc[: len(path)] == path and len(path) > best_len:
            best, best_len = (number, path), len(path)
    start, path = best
    if len(loc) == len(path) or best_len < 0:
        return start or None
    key = re.compile(rf'^\s*"?{re.escape(str(loc[len(path)]))}"?\s*=')
    for number, line in enumerate(text.splitlines()[start:], start=start + 1):
        if _HEADER.match(line):
            break
        if key.match(line):
            return number
    return start or None


def _check_references(path: Path, text: str, config: CommissionConfig) -> None:
    def fail(loc: Loc, message: str) -> ConfigError:
        return _located(path, text, loc, message)

    factors = {f.id for f in config.factor}
    scales = {s.id for s in config.scale}
    areas = {a.id for a in config.area}
    indicators = {i.id for i in config.indicator}
    phases = {p.id for p in config.phase}
    try:
        gazetteer = load_gazetteer(config.commission.country)
    except ConfigError as exc:
        raise fail(("commission", "country"), exc.message) from exc
    for n, scale in enumerate(config.scale):
        for k, level in enumerate(scale.levels):
            if abs(level.value) > MAX_INTEGER:
                where: Loc = ("scale", n, "levels", k, "value")
                raise fail(where, f"{level.value} is too large (at most {MAX_INTEGER:,})")
    for kind, ids in (("factor", config.factor), ("scale", config.scale), ("area", config.area)):
        _unique(fail, kind, [item.id for item in ids])
    _unique(fail, "indicator", [i.id for i in config.indicator])
    _unique(fail, "phase", [p.id for p in config.phase])
    for n, area in enumerate(config.area):
        for k, name in enumerate(area.governorates):
            if gazetteer.governorate(name) is None:
                raise fail(("area", n, "governorates", k), f'unknown governorate "{name}"')
    for n, ind in enumerate(config.indicator):
        if ind.factor not in factors:
            raise fail(("indicator", n, "factor"), f'unknown factor "{ind.factor}"')
        if ind.scale is not None and ind.scale not in scales:
            raise fail(("indicator", n, "scale"), f'unknown scale "{ind.scale}"')
    for n, phase in enumerate(config.phase):
        if phase.after is not None and phase.after not in phases:
            raise fail(("phase", n, "after"), f'unknown phase "{phase.after}"')
        if phase.min_duration > MAX_INTEGER:
            raise fail(("phase", n, "min_duration"), f"{phase.min_duration}w is too long")
        gates: list[tuple[Loc, GateConfig]] = [
            (("phase", n, "gate", area), gate) for area, gate in phase.gate.items()
        ]
        if phase.default_gate is not None:
            gates.append((("phase", n, "default_gate"), phase.default_gate))
        for loc, gate in gates:
            if loc[-1] != "default_gate" and loc[-1] not in areas:
                raise fail(loc, f'unknown area "{loc[-1]}"')
            if gate.when is None:
                continue
            try:
                parsed = parse_gate(gate.when, source=".".join(map(str, loc)))
            except GateError as exc:
                raise fail((*loc, "when"), exc.message) from exc
            unknown = parsed.indicators() - indicators
            if unknown:
                raise fail((*loc, "when"), f"unknown indicator(s): {', '.join(sorted(unknown))}")


def _unique(fail: Callable[[Loc, str], ConfigError], kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for n, ident in enumerate(ids):
        if ident in seen:
            raise fail((kind, n, "id"), f'duplicate {kind} id "{ident}"')
        seen.add(ident)
