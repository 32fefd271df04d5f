"""What reading and extraction produce: a report kept verbatim, and the items found in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

LANGUAGES = ("en", "ar")
TYPES = ("event", "claim", "statement", "position")
STATES = ("proposed", "accepted", "edited", "rejected", "merged")  # of an item under review
TOPICS = ("timeline", "sovereignty", "self_defence", "conditions", "other")  # of a position
CATEGORIES = (
    "isis_attack",
    "attack_on_coalition",
    "coalition_strike",
    "militia_attack",
    "statement",
    "meeting",
    "other",
)


@dataclass(frozen=True)
class Report:
    """One report: its text verbatim (``source``), the text read from it, and where it is from."""

    file: str
    source: str
    text: str
    sha256: str
    published: date
    language: str
    outlet: str | None = None
    url: str | None = None
    format: str = "text"

    def to_dict(self) -> dict[str, Any]:
        """The report as the JSON output shows it (the text items' spans point into)."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "published": self.published.isoformat(),
            "language": self.language,
            "outlet": self.outlet,
            "url": self.url,
            "format": self.format,
            "text": self.text,
        }


@dataclass(frozen=True)
class When:
    """A day, or an interval when the words give no day; ``text`` the words that gave it."""

    text: str
    day: date | None = None
    start: date | None = None
    end: date | None = None


@dataclass
class Item:
    """One event, claim, statement or position proposed from one sentence of a report."""

    type: str
    category: str
    span: tuple[int, int]
    extractor: dict[str, str]
    when: When | None = None
    place: str | None = None
    governorate: str | None = None
    actor: str | None = None
    target: str | None = None
    party: str | None = None
    killed: int | None = None
    wounded: int | None = None
    count: int | None = None
    count_qualifier: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The item with exactly the fields of the JSON output."""
        when = self.when
        return {
            "type": self.type,
            "category": self.category,
            "date": _iso(when.day if when else None),
            "date_from": _iso(when.start if when else None),
            "date_to": _iso(when.end if when else None),
            "date_text": when.text if when else None,
            "place": self.place,
            "governorate": self.governorate,
            "actor": self.actor,
            "target": self.target,
            "party": self.party,
            "killed": self.killed,
            "wounded": self.wounded,
            "count": self.count,
            "count_qualifier": self.count_qualifier,
            "span": list(self.span),
            "extractor": dict(self.extractor),
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
