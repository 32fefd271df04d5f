"""What a party's position is about, from the words of its sentence: the timeline,
sovereignty, self-defence, conditions versus a date; a reviewer may choose another."""

from __future__ import annotations

import re

from hmc.news.folding import fold_text

# In the order asked: a sentence about a date "regardless of the security situation" is
# about the timeline before it is about conditions.
TOPIC_WORDS = (
    (
        "self_defence",
        r"self-defen[cs]e|right to (?:defend|respond)|protect\w*|الدفاع عن النفس|حماية",
    ),
    ("sovereignty", r"sovereign\w*|violation\w*|aggression|سياد\w*|انتهاك\w*|اعتداء\w*|عدوان\w*"),
    (
        "timeline",
        r"timeline|time ?table|withdraw\w*|a date|schedule\w*|departure|end (?:of )?the \w*"
        r" ?mission|جدول\w*|انسحاب\w*|موعد\w*|مغادر\w*|إنهاء\w*|انهاء\w*",
    ),
    ("conditions", r"conditions?|capabilit\w*|security situation|stability|شروط|ظروف|قدرات|الوضع"),
)
_PATTERNS = tuple((topic, re.compile(words, re.IGNORECASE)) for topic, words in TOPIC_WORDS)


def topic_of(sentence: str) -> str:
    """The topic of a position said in ``sentence`` (``other`` if its words name none).

    >>> topic_of("Washington keeps its full right to self-defense, the Pentagon said.")
    'self_defence'
    >>> topic_of("The strike is a violation of Iraqi sovereignty, the government said.")
    'sovereignty'
    >>> topic_of("قال رئيس الوزراء إن الحكومة تريد جدولا زمنيا لانسحاب قوات التحالف")
    'timeline'
    >>> topic_of("The minister met his counterpart.")
    'other'
    """
    folded = fold_text(sentence)
    for topic, pattern in _PATTERNS:
        if pattern.search(folded) or pattern.search(sentence):
            return topic
    return "other"
