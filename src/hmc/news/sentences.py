"""Sentences of a report, as character spans of its text, in English or Arabic."""

from __future__ import annotations

import re

# A sentence ends at . ! ? ؟ (then a space and not a lower-case letter) or at a blank line.
_END = re.compile(r"(?<=[.!?؟])[\"'”’»)]*\s+(?=[^a-z\s])|\n\s*\n|(?<=[.!?؟])\s*\n")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:U\.S|U\.N|U\.K|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|Brig|Sen|Rep|St|No|Jan|Feb|Mar|"
    r"Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.)$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s sentences, blank space left out.

    >>> text = "Gen. Ryder said U.S. forces struck. Two sites were hit.\\n\\nوقال المتحدث؟ نعم."
    >>> [text[s:e] for s, e in sentences(text)]
    ['Gen. Ryder said U.S. forces struck.', 'Two sites were hit.', 'وقال المتحدث؟', 'نعم.']
    """
    spans = []
    start = 0
    for match in _END.finditer(text):
        if _ABBREVIATIONS.search(text, max(0, match.start() - 6), match.start()):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_trimmed(text, s, e) for s, e in spans if text[s:e].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
