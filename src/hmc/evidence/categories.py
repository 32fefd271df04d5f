"""The commission's categories of events, and the rules that give each source's events one.

Categories are configuration (``[[category]]`` in a commission's file, see
docs/configuration.md), not code: each has rules naming a source and the values of that
source's own fields (its *facets*, listed per format in docs/evidence.md) it matches. A
value is matched whole, ignoring case, and may use ``*`` for any text. The first rule that
matches, in the order of the configuration, gives the category; an event no rule matches
is ``other``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

OTHER = "other"


@dataclass(frozen=True)
class Rule:
    """``category`` for the events of ``source`` whose facets match every one of ``fields``."""

    category: str
    source: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]

    def matches(self, source: str, facets: Mapping[str, str]) -> bool:
        """Whether an event of ``source`` with ``facets`` is in this rule's category.

        >>> rule = Rule("isis_attack", "ucdp-ged", (("side_a", ("is", "islamic state*")),))
        >>> rule.matches("ucdp-ged", {"side_a": "IS"}), rule.matches("acled", {"side_a": "IS"})
        (True, False)
        >>> rule.matches("ucdp-ged", {"side_a": "Islamic State (Iraq)"})
        True
        """
        if source != self.source:
            return False
        for name, patterns in self.fields:
            value = facets.get(name)
            if value is None or not any(fnmatchcase(value.lower(), p) for p in patterns):
                return False
        return True


@dataclass
class Categories:
    """The rules of the loaded commissions, and which categories describe the same events."""

    rules: list[Rule] = field(default_factory=list)
    compatible: dict[str, set[str]] = field(default_factory=dict)
    _cache: dict[tuple[str, tuple[tuple[str, str], ...]], str] = field(default_factory=dict)

    def add(self, category: str, rules: Iterable[Mapping[str, str | list[str]]]) -> None:
        """Add the rules of ``category``, each a source and the facet values it matches."""
        for rule in rules:
            fields = tuple(
                (name, tuple(v.lower() for v in ([value] if isinstance(value, str) else value)))
                for name, value in rule.items()
                if name != "source"
            )
            self.rules.append(Rule(category, str(rule["source"]), fields))

    def link(self, category: str, others: Iterable[str]) -> None:
        """Say that events of ``category`` and of each of ``others`` may be the same event."""
        for other in others:
            self.compatible.setdefault(category, set()).add(other)
            self.compatible.setdefault(other, set()).add(category)

    def of(self, source: str, facets: Mapping[str, str]) -> str:
        """The category of an event of ``source`` with ``facets`` (``other`` if none matches).

        >>> categories = Categories()
        >>> categories.add("coalition_strike", [{"source": "geocausal-airstrikes"}])
        >>> categories.of("geocausal-airstrikes", {"type": "Airstrike"})
        'coalition_strike'
        >>> categories.of("acled", {"event_type": "Battles"})
        'other'
        """
        key = (source, tuple(facets.items()))
        found = self._cache.get(key)
        if found is None:
            found = next((r.category for r in self.rules if r.matches(source, facets)), OTHER)
            self._cache[key] = found
        return found

    def may_match(self, a: str, b: str) -> bool:
        """Whether events of categories ``a`` and ``b`` may be reports of the same event.

        >>> categories = Categories()
        >>> categories.link("coalition_strike", ["attack"])
        >>> categories.may_match("attack", "coalition_strike"), categories.may_match("x", "x")
        (True, True)
        >>> categories.may_match("x", "other")
        False
        """
        return a == b or b in self.compatible.get(a, set())
