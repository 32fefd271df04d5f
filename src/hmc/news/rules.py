"""The rule-based extractor: each sentence read for an event, a claim, a statement or a
position, with its date, place, actor, party, casualties and counts.

A sentence gives an **event** when it has words of an attack or a strike and a date, a
place or casualties to pin it down ("attacks were likely to continue" gives none). A number
of attacks over a period ("about 150 attacks since October") gives a **claim**. A party's
official or institution (or an armed group) speaking gives a **statement**, or a
**position** when it speaks of the timeline, sovereignty, self-defence or conditions; a
sentence that only says "the spokesperson added" speaks for the speaker before it. A
meeting or talks of the parties or of the commission give an event of category
``meeting``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hmc.news import words
from hmc.news.dates import when
from hmc.news.folding import Folded
from hmc.news.items import Item, Report, When
from hmc.news.names import Name, lexicon
from hmc.news.numbers import Number, numbers
from hmc.news.places import ABROAD
from hmc.news.reading import body_start
from hmc.news.sentences import sentences

NAME = "hmc-rules"
VERSION = "1"


@dataclass(frozen=True)
class Sentence:
    """One sentence, folded, with what was found in it."""

    folded: Folded
    language: str
    names: list[Name]
    when: When | None
    numbers: list[Number]

    def has(self, pattern: words.Words) -> bool:
        return bool(pattern[self.language].search(self.folded.text))

    @property
    def span(self) -> tuple[int, int]:
        return (self.folded.base, self.folded.base + len(self.folded.original))


class RuleExtractor:
    """Offline and deterministic: the same report always gives the same items."""

    name = NAME
    version = VERSION

    def extract(self, report: Report) -> list[Item]:
        """The items of ``report``, in the order of its sentences."""
        found: list[Item] = []
        speaker: Item | None = None
        skipped = body_start(report.text)
        for start, end in sentences(report.text):
            if end <= skipped:
                continue
            sentence = _read(report, max(start, skipped), end)
            items = self._sentence(sentence, speaker)
            found += items
            said = [i for i in items if i.type in ("statement", "position")]
            speaker = said[-1] if said else (speaker if not items else None)
        return found

    def _sentence(self, sentence: Sentence, speaker: Item | None) -> list[Item]:
        stamp = {"name": self.name, "version": self.version}
        base = Item(
            type="event", category="other", span=sentence.span, extractor=stamp, when=sentence.when
        )
        said = _statement(sentence, base, speaker)
        if said is not None and said.type == "position":
            return [said]
        claim, after = _claim(sentence, base)
        event = _event(sentence, base, after)
        if event is not None and claim is not None and event.category == claim.category:
            event = None
        if event is not None and said is not None and not _pinned(event):
            event = None  # words of a speaker about attacks, not a report of one
        items = [i for i in (claim, event) if i is not None]
        if not items:
            meeting = _meeting(sentence, base)
            items = [meeting] if meeting is not None else ([said] if said is not None else [])
        return items


def _pinned(event: Item) -> bool:
    """Whether an event has a day or casualties, not only a place."""
    day = event.when is not None and event.when.day is not None
    return day or event.killed is not None or event.wounded is not None


def _read(report: Report, start: int, end: int) -> Sentence:
    folded = Folded.of(report.text[start:end], start)
    found = lexicon(report.language)
    return Sentence(
        folded=folded,
        language=report.language,
        names=found.find(folded),
        when=when(folded, report.published, found.anchors),
        numbers=numbers(folded.text),
    )


def _place(sentence: Sentence, item: Item) -> Item:
    places = [n for n in sentence.names if n.kind == "place"]
    inside = [n for n in places if n.value != ABROAD]
    chosen = inside[0] if inside else (places[0] if places else None)
    if chosen is None:
        return item
    return replace(item, place=chosen.text, governorate=chosen.value or None)


def _actors(sentence: Sentence) -> list[Name]:
    return [n for n in sentence.names if n.kind in ("party", "group")]


def _agent(sentence: Sentence, at: int, after: int) -> Name | None:
    """Who did what the words at ``at`` say: named after "by", else the nearest actor before."""
    text = sentence.folded.text
    for name in _actors(sentence):
        if not at <= name.start <= at + 40:
            continue
        if words.BY[sentence.language].search(text[max(0, name.start - 20) : name.start]):
            return name
    before = [n for n in _actors(sentence) if after <= n.start < at]
    return before[-1] if before else None


def _first(pattern: words.Words, sentence: Sentence, after: int) -> int | None:
    found = pattern[sentence.language].search(sentence.folded.text, after)
    return found.start() if found else None


def _category(sentence: Sentence, after: int = 0) -> tuple[str, Name | None]:
    """The category of what the sentence reports from ``after`` on, and who did it."""
    attack_at = _first(words.ATTACK, sentence, after)
    strike_at = _first(words.STRIKE, sentence, after)
    at = min(a for a in (attack_at, strike_at, len(sentence.folded.text)) if a is not None)
    agent = _agent(sentence, at, after)
    names = [n for n in sentence.names if n.start >= after]
    kinds = {(n.kind, n.value) for n in names if n.start != (agent.start if agent else -1)}
    if (
        agent is not None
        and agent.kind == "party"
        and agent.value == "us"
        and strike_at is not None
    ):
        return "coalition_strike", agent
    if ("target", "coalition") in kinds:
        return "attack_on_coalition", agent
    groups = [n for n in _actors(sentence) if n.kind == "group" and n.start >= after]
    doer = (
        agent
        if agent is not None and agent.kind == "group"
        else (groups[0] if groups and agent is None else None)
    )
    if doer is not None:
        return ("isis_attack" if doer.value == "isis" else "militia_attack"), doer
    return "other", agent


def _with_actor(item: Item, actor: Name | None) -> Item:
    if actor is None:
        return item
    party = actor.value if actor.kind == "party" else None
    return replace(item, actor=actor.text, party=party)


def _target(sentence: Sentence, actor: Name | None) -> str | None:
    for name in sentence.names:
        if name.kind == "target" and (actor is None or name.start != actor.start):
            return name.text
    return None


def _event(sentence: Sentence, base: Item, after: int) -> Item | None:
    if not any(_first(p, sentence, after) is not None for p in (words.ATTACK, words.STRIKE)):
        return None
    if after and (sentence.when is None or sentence.when.day is None):
        return None  # the sentence's attacks are the claim's
    killed, wounded = _casualties(sentence)
    day = sentence.when is not None and sentence.when.day is not None
    if (
        not day
        and killed is None
        and wounded is None
        and not any(n.kind == "place" and n.value for n in sentence.names)
    ):
        return None
    category, actor = _category(sentence, after)
    item = replace(
        base, category=category, killed=killed, wounded=wounded, target=_target(sentence, actor)
    )
    return _place(sentence, _with_actor(item, actor))


def _claim(sentence: Sentence, base: Item) -> tuple[Item | None, int]:
    """A count of attacks over a period, and where its words end (0 if there is none)."""
    for number in sentence.numbers:
        counted = words.COUNTED[sentence.language].match(sentence.folded.text, number.end)
        if counted and number.value is not None and number.value >= 2:
            category, actor = _category(sentence)
            period = sentence.when if sentence.when and sentence.when.day is None else None
            item = replace(base, type="claim", category=category, count=number.value, when=period,
                           count_qualifier=number.qualifier, target=_target(sentence, actor))  # fmt: skip  # noqa: E501
            return _place(sentence, _with_actor(item, actor)), counted.end()
    return None, 0


def _statement(sentence: Sentence, base: Item, speaker: Item | None) -> Item | None:
    if not sentence.has(words.SPEECH):
        return None
    actors = _actors(sentence)
    item = base
    if actors:
        item = _with_actor(base, actors[0])
    elif speaker is not None and sentence.has(words.SPEAKER):
        item = replace(base, actor=speaker.actor, party=speaker.party)
    else:
        return None
    kind = "position" if sentence.has(words.POSITION) else "statement"
    return replace(item, type=kind, category="statement")


def _meeting(sentence: Sentence, base: Item) -> Item | None:
    if not sentence.has(words.MEETING):
        return None
    parties = [n for n in sentence.names if n.kind == "party"]
    if not parties and not sentence.has(words.COMMISSION):
        return None
    if sentence.when is None and not sentence.has(words.HELD):
        return None
    item = replace(base, category="meeting")
    return _place(sentence, _with_actor(item, parties[0] if parties else None))


def _casualties(sentence: Sentence) -> tuple[int | None, int | None]:
    text, language = sentence.folded.text, sentence.language
    totals: dict[str, int] = {}
    for number in sentence.numbers:
        if number.value is None or (
            number.value == 1 and text[number.start : number.end] in ("a", "an")
        ):
            continue
        kind = _casualty_kind(text, number, language)
        if kind:
            totals[kind] = totals.get(kind, 0) + number.value
    for match in words.ONE_PERSON[language].finditer(text):
        kind = "wounded" if words.WOUNDED[language].search(match.group()) else "killed"
        if kind not in totals:
            totals[kind] = 2 if match.groupdict().get("two") else 1
    return totals.get("killed"), totals.get("wounded")


def _casualty_kind(text: str, number: Number, language: str) -> str | None:
    before = text[max(0, number.start - 14) : number.start]
    after = text[number.end : number.end + 45]
    for kind, pattern in (("killed", words.KILLED), ("wounded", words.WOUNDED)):
        found = pattern[language].search(before)
        if found and not before[found.end() :].strip(" ،,"):
            return kind
    hits = []
    for kind, pattern in (("killed", words.KILLED), ("wounded", words.WOUNDED)):
        found = pattern[language].search(after)
        if found and not any(c.isdigit() for c in after[: found.start()]):
            hits.append((found.start(), kind))
    return min(hits)[1] if hits else None
