"""Gate language: a condition over weekly indicator series that must hold for a transition.

A gate such as ``sustained(mean(isis_attacks, 4w) <= 12, 12w) and isf_counter_terrorism >= 4``
is parsed with a Lark grammar (``gate.lark``, never ``eval``) into a small frozen AST and
evaluated on numpy arrays on a common weekly grid. Conditions are three-valued float arrays:
1.0 true, 0.0 false, NaN unknown (Kleene logic). Pure: no I/O beyond reading the grammar.

A gate nests at most :data:`MAX_NESTING` parentheses deep and joins at most :data:`MAX_TERMS`
conditions with ``and``/``or``, so that building and evaluating it stay within Python's
recursion limit (``and``/``or`` chains are flattened, repeated ``not`` folded).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from numpy.lib.stride_tricks import sliding_window_view

from hmc.errors import GateError

__all__ = [
    "ENGLISH",
    "MAX_NESTING",
    "MAX_TERMS",
    "MAX_WINDOW",
    "Condition",
    "Gate",
    "Words",
    "explanation",
    "parse_gate",
    "stored_gate",
]

MAX_WINDOW = 520
"""The longest window a gate may use, in weeks (ten years)."""
MAX_NESTING = 50
"""The deepest a gate may nest parentheses, a function's own included."""
MAX_TERMS = 200
"""The most conditions a gate may join with ``and`` and ``or``."""

_Array = npt.NDArray[np.float64]
_PARSER = Lark(
    (Path(__file__).parent / "gate.lark").read_text(encoding="utf-8"),
    parser="lalr",
    lexer="basic",
    propagate_positions=True,
)
_COMPARE: dict[str, Callable[[_Array, _Array], _Array]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
_WINDOW_FUNCTIONS = ("mean", "sum", "min", "max")
_FUNCTIONS = (*_WINDOW_FUNCTIONS, "sustained")


# --- AST -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Number:
    value: float


@dataclass(frozen=True)
class _Indicator:
    name: str
    line: int
    column: int


@dataclass(frozen=True)
class _Window:  # mean/sum/min/max over a trailing window: numeric
    function: str
    arg: _Expr
    weeks: int


@dataclass(frozen=True)
class _Compare:
    op: str
    left: _Expr
    right: _Expr


@dataclass(frozen=True)
class _Bool:
    value: bool


@dataclass(frozen=True)
class _Not:
    arg: _Expr


@dataclass(frozen=True)
class _Logic:  # "and" / "or" over two or more conditions
    op: str
    args: tuple[_Expr, ...]


@dataclass(frozen=True)
class _Sustained:
    arg: _Expr
    weeks: int


_Expr = _Number | _Indicator | _Window | _Compare | _Bool | _Not | _Logic | _Sustained
_NODES = (_Number, _Indicator, _Window, _Compare, _Bool, _Not, _Logic, _Sustained)
_NUMERIC = (_Number, _Indicator, _Window)


# --- errors ----------------------------------------------------------------------------------
def _error(text: str, source: str, what: str, line: int, column: int) -> GateError:
    """A GateError whose message shows the expression with a caret under ``column``."""
    lines = text.splitlines() or [""]
    shown = lines[min(max(line, 1), len(lines)) - 1]
    where = f"at column {column}" if len(lines) == 1 else f"at line {line}, column {column}"
    message = f'gate "{source}": {what} {where}\n  {shown}\n  {" " * (column - 1)}^'
    return GateError(message, source=source, line=line, column=column, expression=text)


class _Problem(Exception):
    def __init__(self, what: str, node: Tree[Token] | Token) -> None:
        super().__init__(what)
        self.what = what
        if isinstance(node, Token):
            self.line, self.column = node.line or 1, node.column or 1
        else:
            self.line, self.column = node.meta.line, node.meta.column


def _syntax_error(text: str, source: str, exc: UnexpectedInput) -> GateError:
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END":
        stripped = text.rstrip()
        line = stripped.count("\n") + 1
        column = len(stripped) - (stripped.rfind("\n") + 1) + 1
        return _error(text, source, "unexpected end of input", line, column)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream or 0]
        hint = " (indicator ids are lowercase)" if char.isupper() else ""
        return _error(text, source, f'unexpected "{char}"{hint}', exc.line, exc.column)
    token = getattr(exc, "token", None)
    what = f'unexpected "{token}"' if token else "unexpected input"
    return _error(text, source, what, exc.line, exc.column)


def _check_limits(text: str) -> None:
    """Refuse nesting deeper than MAX_NESTING and more than MAX_TERMS and/or'ed conditions."""
    depth, joins = 0, 0
    for token in _PARSER.lex(text):
        if token.type == "LPAR":
            depth += 1
            if depth > MAX_NESTING:
                what = f"too deeply nested (at most {MAX_NESTING} levels of parentheses)"
                raise _Problem(what, token)
        elif token.type == "RPAR":
            depth -= 1
        elif token.type in ("AND", "OR"):
            joins += 1
            if joins >= MAX_TERMS:
                what = f"too many conditions joined by and/or (at most {MAX_TERMS})"
                raise _Problem(what, token)


# --- tree -> AST, with kind checks ---------------------------------------------------------
def _numeric(expr: _Expr, node: Tree[Token] | Token) -> _Expr:
    """``expr``, built from ``node``, if it is a number (built first: one frame less deep)."""
    if not isinstance(expr, _NUMERIC):
        raise _Problem("expected a number, got a condition", node)
    return expr


def _condition(expr: _Expr, node: Tree[Token] | Token) -> _Expr:
    """``expr``, built from ``node``, if it is a condition."""
    if isinstance(expr, _NUMERIC):
        raise _Problem("expected a condition, got a number", node)
    return expr


def _weeks(node: Tree[Token] | Token) -> int:
    if not (isinstance(node, Tree) and node.data == "duration"):
        raise _Problem("expected a window in weeks, like 4w", node)
    digits = str(node.children[0])[:-1].lstrip("0") or "0"
    weeks = int(digits) if len(digits) <= 9 else MAX_WINDOW + 1  # int() refuses 4,300 digits
    if weeks < 1:
        raise _Problem("a window must be at least 1w", node)
    if weeks > MAX_WINDOW:
        shown = digits if len(digits) <= 20 else digits[:20] + "…"
        raise _Problem(f"a window of {shown}w is too long (at most {MAX_WINDOW}w)", node)
    return weeks


def _build(node: Tree[Token] | Token) -> _Expr:
    if isinstance(node, Token):  # not produced by the grammar; kept for type narrowing
        raise _Problem(f'unexpected "{node}"', node)
    kids = node.children
    match node.data:
        case "number":
            return _Number(float(str(kids[0])))
        case "negative":
            return _Number(-float(str(kids[0])))
        case "boolean":
            return _Bool(kids[0] == "true")
        case "indicator":
            return _Indicator(str(kids[0]), node.meta.line, node.meta.column)
        case "compare":
            left, op, right = kids
            return _Compare(str(op), _numeric(_build(left), left), _numeric(_build(right), right))
        case "not_":
            return _negation(node)
        case "and_" | "or_":
            return _chain(node)
        case "call":
            name, args = str(kids[0]), kids[1:]
            if name not in _FUNCTIONS:
                known = ", ".join(_FUNCTIONS)
                raise _Problem(f'unknown function "{name}" (known: {known})', node)
            what = "a condition" if name == "sustained" else "a series"
            if len(args) != 2:
                raise _Problem(f"{name}() takes {what} and a window like 4w", node)
            if isinstance(args[0], Tree) and args[0].data == "duration":
                raise _Problem(f"expected {what}, got a window", args[0])
            if name == "sustained":
                return _Sustained(_condition(_build(args[0]), args[0]), _weeks(args[1]))
            return _Window(name, _numeric(_build(args[0]), args[0]), _weeks(args[1]))
    raise _Problem(f'unexpected "{node.data}"', node)


def _negation(node: Tree[Token]) -> _Expr:
    """``not not … x``: one ``not`` or none, found without recursion."""
    count = 0
    inner: Tree[Token] | Token = node
    while isinstance(inner, Tree) and inner.data == "not_":
        count, inner = count + 1, inner.children[0]
    arg = _condition(_build(inner), inner)
    return _Not(arg) if count % 2 else arg


def _chain(node: Tree[Token]) -> _Logic:
    """``a and b and c`` (a left-leaning tree) as one node over its conditions."""
    op, rights = node.data, []
    left: Tree[Token] | Token = node
    while isinstance(left, Tree) and left.data == op:
        rights.append(left.children[1])
        left = left.children[0]
    return _Logic(op[:-1], tuple(_condition(_build(arg), arg) for arg in (left, *reversed(rights))))


def _walk(expr: _Expr) -> Iterator[_Expr]:
    """Every node of ``expr``, left to right, without recursion."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        kids = node.args if isinstance(node, _Logic) else tuple(vars(node).values())
        stack.extend(kid for kid in reversed(kids) if isinstance(kid, _NODES))


# --- evaluation ------------------------------------------------------------------------------
def _windows(x: _Array, weeks: int) -> _Array:
    """Along the last axis, entry t holds weeks t-weeks+1..t; weeks before the start are NaN."""
    if x.shape[-1] == 0:
        return np.empty((*x.shape, weeks))
    pad = np.full((*x.shape[:-1], weeks - 1), np.nan)
    return sliding_window_view(np.concatenate([pad, x], axis=-1), weeks, axis=-1)


def _rolling_sum(x: _Array, weeks: int) -> _Array:
    """Along the last axis, the sum of weeks t-weeks+1..t (of what there is, at the start)."""
    total = np.cumsum(x, axis=-1)
    total[..., weeks:] = total[..., weeks:] - total[..., :-weeks]
    return np.round(total, 9)  # what a running total's rounding adds: 5 stays 5


def _window_stat(function: str, x: _Array, weeks: int) -> _Array:
    known = ~np.isnan(x)
    if function in ("mean", "sum"):
        count = _rolling_sum(known.astype(float), weeks)
        total = _rolling_sum(np.where(known, x, 0.0), weeks)
        result = total if function == "sum" else total / np.maximum(count, 1)
    else:
        w = _windows(x, weeks)
        count = (~np.isnan(w)).sum(axis=-1)
        fill = np.inf if function == "min" else -np.inf
        pick = np.min if function == "min" else np.max
        result = pick(np.where(np.isnan(w), fill, w), axis=-1)
    result = np.where(count > 0, result, np.nan)
    result[..., : weeks - 1] = np.nan  # strict: not enough history
    return result


def _sustained(cond: _Array, weeks: int) -> _Array:
    """1 where the last ``weeks`` were all 1, 0 where one was 0, else NaN (unknown)."""
    falses = _rolling_sum((cond == 0.0).astype(float), weeks)
    trues = _rolling_sum((cond == 1.0).astype(float), weeks)
    trues[..., : weeks - 1] = 0.0  # before the start is unknown: never all true
    return np.where(falses > 0, 0.0, np.where(trues >= weeks, 1.0, np.nan))


def _eval(
    expr: _Expr, series: Mapping[str, _Array], shape: tuple[int, ...], relieved: frozenset[str]
) -> _Array:
    match expr:
        case _Number(value):
            return np.full(shape, value)
        case _Bool(value):
            return np.full(shape, 1.0 if value else 0.0)
        case _Indicator(name):
            return np.broadcast_to(series[name], shape)
        case _Window(function, arg, weeks):
            return _window_stat(function, _eval(arg, series, shape, relieved), weeks)
        case _Compare(op, left, right):
            if relieved and relieved & _names(expr):
                return np.ones(shape)
            a, b = _eval(left, series, shape, relieved), _eval(right, series, shape, relieved)
            result = _COMPARE[op](a, b).astype(float)
            return np.where(np.isnan(a) | np.isnan(b), np.nan, result)
        case _Not(arg):
            return 1.0 - _eval(arg, series, shape, relieved)
        case _Logic(op, args):
            values = np.stack([_eval(arg, series, shape, relieved) for arg in args])
            decisive, other = (0.0, 1.0) if op == "and" else (1.0, 0.0)
            every = (values == other).all(axis=0)
            return np.where((values == decisive).any(axis=0), decisive,
                            np.where(every, other, np.nan))  # fmt: skip
        case _Sustained(arg, weeks):
            return _sustained(_eval(arg, series, shape, relieved), weeks)
    raise AssertionError(f"unhandled gate node {expr!r}")  # pragma: no cover


def _names(expr: _Expr) -> frozenset[str]:
    return frozenset(e.name for e in _walk(expr) if isinstance(e, _Indicator))


def _lookback(expr: _Expr) -> int:
    """Weeks of history that one value of ``expr`` reads (1 for a plain indicator)."""
    match expr:
        case _Window(_, arg, weeks) | _Sustained(arg, weeks):
            return weeks - 1 + _lookback(arg)
        case _Compare(_, left, right):
            return max(_lookback(left), _lookback(right))
        case _Not(arg):
            return _lookback(arg)
        case _Logic(_, args):
            return max(_lookback(arg) for arg in args)
    return 1


def _shape(arrays: Mapping[str, npt.NDArray[Any]], weeks: int | None) -> tuple[int, ...]:
    """The common shape of ``arrays`` (weeks last; paths before, where some have them)."""
    if weeks is not None and weeks < 0:
        raise ValueError(f"weeks must not be negative, got {weeks}")
    shapes = {a.shape for a in arrays.values()}
    if any(len(s) == 0 for s in shapes):
        raise ValueError("gate series must have a weeks axis")
    try:
        shape = np.broadcast_shapes(*shapes) if shapes else None
    except ValueError:
        raise ValueError(f"gate series must share their weeks, got {shapes}") from None
    if shape is None:
        if weeks is None:
            raise ValueError("no series to take the number of weeks from: give weeks=")
        return (weeks,)
    if len({s[-1] for s in shapes}) > 1:
        raise ValueError(f"gate series must share their weeks, got {shapes}")
    if weeks is not None and weeks != shape[-1]:
        raise ValueError(f"weeks={weeks} but the series have {shape[-1]} weeks")
    return tuple(int(d) for d in shape)


# --- explanation ---------------------------------------------------------------------------
_SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


@dataclass(frozen=True)
class Words:
    """How an explanation is worded in one language (``{…}`` are filled in)."""

    functions: Mapping[str, str]  # mean, sum, min, max
    window: str  # "{name} ({weeks}-week {function})"
    held: str  # "held: every condition is met"
    not_held: str  # "not held: {reasons}"
    unknown: str  # "unknown: {reasons}"
    short_weeks: str  # "{condition} in only {met} of the {window} weeks required"
    unknown_weeks: str  # "{condition}: {missing} of the {window} weeks required have no data"
    now: str  # "{condition}: {value} now"
    no_data: str  # "{condition}: no data"
    joined: str = "; "
    no_weeks: str = "{condition} in none of the {window} weeks required"


ENGLISH = Words(
    functions={"mean": "mean", "sum": "total", "min": "minimum", "max": "maximum"},
    window="{name} ({weeks}-week {function})",
    held="held: every condition is met",
    not_held="not held: {reasons}",
    unknown="unknown: {reasons}",
    short_weeks="{condition} in only {met} of the {window} weeks required",
    unknown_weeks="{condition}: {missing} of the {window} weeks required have no data",
    now="{condition}: {value} now",
    no_data="{condition}: no data",
)


@dataclass(frozen=True)
class Condition:
    """One condition of a gate (a term of its top-level ``and``) on the last week."""

    text: str  # in words, indicators by their names: "SIGACTs (4-week mean) ≤ 5"
    state: bool | None  # met, not met, unknown
    window: int | None = None  # sustained: the weeks it must hold
    weeks_met: int | None = None  # sustained: of those, the weeks it held
    weeks_unknown: int | None = None  # sustained: of those, the weeks without data
    value: float | None = None  # a comparison: its left side on the last week

    def words(self, words: Words = ENGLISH) -> str:
        """What holds this condition back, or "" when it is met."""
        if self.state:
            return ""
        if self.window is not None:
            if self.state is False:
                met = self.weeks_met or 0
                worded = words.short_weeks if met else words.no_weeks
                return worded.format(condition=self.text, met=met, window=self.window)
            missing = self.weeks_unknown or 0
            return words.unknown_weeks.format(
                condition=self.text, missing=missing, window=self.window
            )
        if self.value is not None:
            return words.now.format(condition=self.text, value=f"{self.value:,.4g}")
        return words.no_data.format(condition=self.text)


def explanation(conditions: list[Condition], words: Words = ENGLISH) -> str:
    """A gate's conditions in a sentence: held, or what holds it back (failures first).

    >>> import numpy as np
    >>> gate = parse_gate("sustained(mean(sigacts, 4w) <= 5, 12w) and police >= 4")
    >>> weeks = 20
    >>> sigacts = np.array([9.0] * 11 + [2.0] * 9)
    >>> police = np.full(weeks, 4.0)
    >>> names = {"sigacts": "SIGACTs", "police": "Police"}
    >>> explanation(gate.explain({"sigacts": sigacts, "police": police}, names=names))
    'not held: SIGACTs (4-week mean) ≤ 5 in only 7 of the 12 weeks required'
    >>> explanation(gate.explain({"sigacts": np.full(weeks, 1.0), "police": police - 1}))
    'not held: police ≥ 4: 3 now'
    >>> explanation(gate.explain({"sigacts": np.full(weeks, 1.0), "police": police}))
    'held: every condition is met'
    >>> sigacts[-2:] = np.nan
    >>> explanation(gate.explain({"sigacts": sigacts, "police": police}, names=names))
    'not held: SIGACTs (4-week mean) ≤ 5 in only 7 of the 12 weeks required'
    >>> explanation(gate.explain({"sigacts": np.full(weeks, 1.0), "police": police * np.nan}))
    'unknown: police ≥ 4: no data'
    """
    failing = [c.words(words) for c in conditions if c.state is False]
    if failing:
        return words.not_held.format(reasons=words.joined.join(failing))
    unknown = [c.words(words) for c in conditions if c.state is None]
    if unknown:
        return words.unknown.format(reasons=words.joined.join(unknown))
    return words.held


def _text(expr: _Expr, names: Mapping[str, str], words: Words) -> str:
    """``expr`` in words (nesting is rare in gates: a recursion of a few frames)."""
    match expr:
        case _Number(value):
            return f"{value:g}"
        case _Bool(value):
            return str(value).lower()
        case _Indicator(name):
            return names.get(name, name)
        case _Window(function, arg, weeks):
            name = _text(arg, names, words)
            return words.window.format(name=name, weeks=weeks, function=words.functions[function])
        case _Compare(op, left, right):
            return f"{_text(left, names, words)} {_SIGNS[op]} {_text(right, names, words)}"
        case _Not(arg):
            return f"not ({_text(arg, names, words)})"
        case _Logic(op, args):
            return f" {op} ".join(f"({_text(a, names, words)})" for a in args)
        case _Sustained(arg, weeks):
            return f"sustained({_text(arg, names, words)}, {weeks}w)"
    raise AssertionError(f"unhandled gate node {expr!r}")  # pragma: no cover


def _state(value: float) -> bool | None:
    return None if math.isnan(value) else value == 1.0


def _explain_term(
    term: _Expr, arrays: Mapping[str, _Array], shape: tuple[int, ...], names: Mapping[str, str],
    words: Words,
) -> Condition:  # fmt: skip
    state = _state(float(_eval(term, arrays, shape, frozenset())[-1]))
    if isinstance(term, _Sustained):
        inner = _eval(term.arg, arrays, shape, frozenset())[-term.weeks :]
        return Condition(
            _text(term.arg, names, words), state, term.weeks,
            int((inner == 1.0).sum()), int(np.isnan(inner).sum()) + term.weeks - inner.size,
        )  # fmt: skip
    value = None
    if isinstance(term, _Compare):
        left = float(_eval(term.left, arrays, shape, frozenset())[-1])
        value = None if math.isnan(left) else left
    return Condition(_text(term, names, words), state, value=value)


# --- public API ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gate:
    """A parsed gate. Construct with :func:`parse_gate`."""

    text: str
    source: str = field(default="gate", compare=False)
    _root: _Expr = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise _error(self.text, self.source, "a gate must not be empty", 1, 1)
        try:
            tree = _PARSER.parse(self.text)
        except UnexpectedInput as exc:
            raise _syntax_error(self.text, self.source, exc) from None
        try:
            _check_limits(self.text)
            root = _build(tree)
            if isinstance(root, _NUMERIC):
                raise _Problem("a gate must be a condition, not a number", tree)
            object.__setattr__(self, "_root", root)
        except _Problem as p:
            raise _error(self.text, self.source, p.what, p.line, p.column) from None

    def indicators(self) -> frozenset[str]:
        """The indicator ids the gate references."""
        return frozenset(e.name for e in _walk(self._root) if isinstance(e, _Indicator))

    def lookback(self) -> int:
        """Weeks of history one week's value reads: ``sustained(mean(x, 4w) <= 5, 12w)`` 15."""
        return _lookback(self._root)

    def evaluate(
        self,
        series: Mapping[str, npt.NDArray[Any]],
        *,
        weeks: int | None = None,
        relieve: frozenset[str] = frozenset(),
    ) -> _Array:
        """Evaluate on a weekly grid: 1.0 true, 0.0 false, NaN unknown, one value per week.

        ``series`` maps indicator ids to float arrays whose last axis is the weeks (NaN = no
        data): one series, or sample paths ``(paths, weeks)``; arrays broadcast, so a
        history shared by every path may be 1-D. ``weeks`` is the number of weeks, required
        when ``series`` is empty (a gate of no indicator). Comparisons that read an indicator
        in ``relieve`` count as met: what the gate would be if those were no obstacle.

        >>> parse_gate("true and not false").evaluate({}, weeks=3).tolist()
        [1.0, 1.0, 1.0]
        """
        arrays: dict[str, _Array] = {}
        for e in _walk(self._root):
            if isinstance(e, _Indicator) and e.name not in arrays:
                if e.name not in series:
                    what = f'no series for indicator "{e.name}"'
                    raise _error(self.text, self.source, what, e.line, e.column)
                arrays[e.name] = np.asarray(series[e.name], dtype=float)
        given = arrays or {name: np.asarray(x) for name, x in list(series.items())[:1]}
        shape = _shape(given, weeks)
        return np.asarray(_eval(self._root, arrays, shape, relieve), dtype=float)

    def explain(
        self,
        series: Mapping[str, npt.NDArray[Any]],
        *,
        weeks: int | None = None,
        names: Mapping[str, str] | None = None,
        words: Words = ENGLISH,
    ) -> list[Condition]:
        """Each condition of the gate's top-level ``and`` as it stands on the last week.

        ``series`` as for :meth:`evaluate`, one series per indicator (no sample paths);
        ``names`` gives indicators their names in ``words``' language (else their ids).
        """
        arrays = {k: np.asarray(series[k], dtype=float) for k in self.indicators()}
        shape = _shape(arrays or dict(list(series.items())[:1]), weeks)
        if len(shape) != 1 or shape[0] == 0:
            raise ValueError("explain needs one series of at least one week per indicator")
        root = self._root
        terms = root.args if isinstance(root, _Logic) and root.op == "and" else (root,)
        return [_explain_term(t, arrays, shape, names or {}, words) for t in terms]


@lru_cache(maxsize=4096)
def stored_gate(expression: str) -> Gate:
    """A gate of a loaded framework (checked when loaded), parsed once per process."""
    return parse_gate(expression)


def parse_gate(text: str, *, source: str = "gate") -> Gate:
    """Parse a gate; raise GateError (with column and a caret line) if it is malformed.

    >>> import numpy as np
    >>> gate = parse_gate("sustained(mean(attacks, 2w) <= 3, 2w) and police >= 4")
    >>> sorted(gate.indicators())
    ['attacks', 'police']
    >>> attacks = np.array([5.0, 1.0, 3.0, 2.0])
    >>> police = np.array([4.0, 4.0, 4.0, np.nan])
    >>> gate.evaluate({"attacks": attacks, "police": police}).tolist()
    [nan, nan, 1.0, nan]
    >>> parse_gate("x >= >= 3", source="phase 2 / north")
    Traceback (most recent call last):
      ...
    hmc.errors.GateError: gate "phase 2 / north": unexpected ">=" at column 6
      x >= >= 3
           ^
    """
    return Gate(text, source)
