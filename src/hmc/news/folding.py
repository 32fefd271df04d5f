"""Text folded for matching, each folded character knowing where it was in the original.

Folding lowers case, drops Arabic diacritics and the tatweel, writes the forms of alef as
one, and Arabic-Indic and Persian digits as ASCII digits, so that «أمس», «أَمسِ» and «امس»
match one pattern and «١٥٠» reads as 150. Offsets found in the folded text map back to the
original, so what an item quotes is what the report says.
"""

from __future__ import annotations

from dataclasses import dataclass

_DROPPED = {chr(c) for c in range(0x064B, 0x0653)} | {"\u0670", "\u0640", "\u200c", "\u200f"}
_SAME = str.maketrans(
    "أإآٱ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹’‘`“”«»",
    'اااا01234567890123456789\'\'\'""""',
)


def fold_text(text: str) -> str:
    """``text`` folded (see the module); the same folding as :class:`Folded`.

    >>> fold_text("أَمسِ، ١٥٠ هجوماً")
    'امس، 150 هجوما'
    """
    return "".join(_lower(c) for c in text.translate(_SAME) if c not in _DROPPED)


def _lower(char: str) -> str:
    low = char.lower()
    return low if len(low) == 1 else char


@dataclass(frozen=True)
class Folded:
    """A piece of text folded, with the original offset of each folded character."""

    original: str
    text: str
    starts: tuple[int, ...]
    base: int = 0

    @classmethod
    def of(cls, original: str, base: int = 0) -> Folded:
        """``original`` (which begins at ``base`` in its report) folded."""
        kept = [(i, c) for i, c in enumerate(original.translate(_SAME)) if c not in _DROPPED]
        folded = "".join(_lower(c) for _, c in kept)
        return cls(original, folded, tuple(i for i, _ in kept), base)

    def quote(self, start: int, end: int) -> str:
        """The original words behind the folded ``[start, end)``."""
        if start >= end:
            return ""
        return self.original[self.starts[start] : self.starts[end - 1] + 1]
