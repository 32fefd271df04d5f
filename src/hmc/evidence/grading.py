"""Admiralty grades: a source's reliability (A-F), an event's credibility (1-6), and why.

A source's reliability is the letter its format (or mapping file) gives it. An event's
credibility rises with independent corroboration: reported by one source it is 3 ("possibly
true"); confirmed by one independent source 2 ("probably true"); by two or more, 1
("confirmed"). Sources of one family (UCDP GED and UCDP Candidate: one team's work) are not
independent of each other. Where one of the parties has recorded an account that disputes
the event, the grade says so beside it but does not change.
"""

from __future__ import annotations

from dataclasses import dataclass

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


@dataclass(frozen=True)
class Grade:
    """An event's grade, e.g. ``B2``, and the reason for its credibility."""

    reliability: str
    credibility: int
    why: str

    @property
    def code(self) -> str:
        return f"{self.reliability}{self.credibility}"


def credibility(families: list[str], own: str) -> tuple[int, str]:
    """The credibility of an event reported by ``own``'s family and the other ``families``.

    >>> credibility([], "ucdp")
    (3, 'possibly true: reported by one source family (ucdp)')
    >>> credibility(["acled"], "ucdp")
    (2, 'probably true: confirmed by 1 independent source (acled)')
    >>> credibility(["acled", "gdelt", "ucdp"], "ucdp")
    (1, 'confirmed by 2 independent sources (acled, gdelt)')
    """
    others = sorted(set(families) - {own})
    if not others:
        return 3, f"possibly true: reported by one source family ({own})"
    if len(others) == 1:
        return 2, f"probably true: confirmed by 1 independent source ({others[0]})"
    return 1, f"confirmed by {len(others)} independent sources ({', '.join(others)})"


def grade(reliability: str | None, families: list[str], own: str) -> Grade:
    """The grade of an event of a source of ``reliability`` and ``own`` family."""
    level, why = credibility(families, own)
    return Grade(reliability or "F", level, why)
