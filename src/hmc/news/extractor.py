"""The seam where extractors plug in: anything with a name, a version and ``extract``.

The rule-based extractor is the default and the only one shipped. A model-based one (a
named-entity model whose weights are on disk) would implement :class:`Extractor` and be
chosen by :func:`extractor`; no weights are ever downloaded.
"""

from __future__ import annotations

from typing import Protocol

from hmc.errors import InvalidInput
from hmc.news.items import Item, Report
from hmc.news.rules import RuleExtractor


class Extractor(Protocol):
    """Reads a report into items."""

    name: str
    version: str

    def extract(self, report: Report) -> list[Item]:
        """The items of ``report``."""
        ...


EXTRACTORS: dict[str, type[RuleExtractor]] = {RuleExtractor.name: RuleExtractor}


def extractor(name: str = RuleExtractor.name) -> Extractor:
    """The extractor called ``name`` (default: the rule-based one)."""
    try:
        return EXTRACTORS[name]()
    except KeyError:
        raise InvalidInput(f'no news extractor "{name}" (known: {", ".join(EXTRACTORS)})') from None


def extract(report: Report, *, using: Extractor | None = None) -> list[Item]:
    """The items ``using`` (default: the rule-based extractor) finds in ``report``."""
    return (using or extractor()).extract(report)
