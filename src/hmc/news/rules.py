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

A report tells a story: an attack named again ("the attack", «الغارات») or given to someone
("police blamed Islamic State") adds its place, casualties and doer to the event told
before rather than being another event, and a party's account of it is no statement (its
condemnation is). A sentence that names no place takes the one named before in its
paragraph, or before in the report when it says "in the area". An event's date is not the
day the words were said ("the ministry said on Tuesday that ... yesterday").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from hmc.news import words
from hmc.news.dates import Dated, dates
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
    dates: list[Dated]
    numbers: list[Number]

    def has(self, pattern: words.Words) -> bool:
        return bool(pattern[self.language].search(self.folded.text))

    @property
    def when(self) -> When | None:
        """The sentence's date: its first kind of date words."""
        return self.dates[0].when if self.dates else None

    def said_when(self, *, said: bool) -> When | None:
        """The first date that dates the saying ("said on Tuesday") or, not ``said``, the first
        that does not."""
        chosen = [d.when for d in self.dates if _dates_saying(self, d) == said]
        return chosen[0] if chosen else (self.when if said else None)

    @property
    def span(self) -> tuple[int, int]:
        return (self.folded.base, self.folded.base + len(self.folded.original))


class RuleExtractor:
    """Offline and deterministic: the same report always gives the same items."""

    name = NAME
    version = VERSION

    def extract(self, report: Report) -> list[Item]:
        """The items of ``report``, in the order of its sentences."""
        story = Story()
        skipped = body_start(report.text)
        last = skipped
        for start, end in sentences(report.text):
            if end <= skipped:
                continue
            if _PARAGRAPH.search(report.text, last, max(last, start)):
                story.paragraph_place = None
            last = end
            sentence = _read(report, max(start, skipped), end)
            items = [story.placed(sentence, i) for i in self._sentence(sentence, story)]
            story.told(sentence, items)
        return story.items

    def _sentence(self, sentence: Sentence, story: Story) -> list[Item]:
        stamp = {"name": self.name, "version": self.version}
        base = Item(
            type="event", category="other", span=sentence.span, extractor=stamp, when=sentence.when
        )
        said = _statement(sentence, base, story.speaker or story.subject, story.group)
        if said is not None and said.type == "position":
            meeting = _meeting(sentence, base)
            attributed = words.ACCORDING[sentence.language].search(sentence.folded.text)
            if meeting is not None and not attributed and not (meeting.when and meeting.when.day):
                meeting = None  # a meeting held on its day, or "according to" someone, wins
            cause = _cause(sentence, base, None)  # "in self-defence after an attack last week"
            return [meeting or said, *([cause] if cause else [])]
        condemned = said is not None and sentence.has(words.CONDEMN)
        claim, after = _claim(sentence, base)
        if claim is not None and claim.category == "other" and story.attack is not None:
            claim = _counting(claim, story.attack)
        if claim is None and _refers_back(sentence):
            if story.attack is not None and _same_day(sentence, story.attack):
                _add_to(story.attack, sentence)
                return [said] if condemned and said is not None else []
            if condemned and said is not None:
                return [said]
        event = _event(sentence, base, after)
        if event is not None and claim is not None and event.category == claim.category:
            event = None
        if event is not None and said is not None and not _pinned(event):
            event = None  # words of a speaker about attacks, not a report of one
        items = [i for i in (claim, event) if i is not None]
        if not items:
            meeting = _meeting(sentence, base)
            items = [meeting] if meeting is not None else ([said] if said is not None else [])
        cause = _cause(sentence, base, event) if event is not None or said is not None else None
        return [*items, cause] if cause else items


_PARAGRAPH = re.compile(r"\n\s*\n")
_NOBODY = Item(type="statement", category="statement", span=(0, 0), extractor={})


@dataclass
class Story:
    """What a report has told so far: its items, the last attack and speaker, its places."""

    items: list[Item] = field(default_factory=list)
    attack: Item | None = None
    speaker: Item | None = None
    subject: Item | None = None
    group: Name | None = None
    paragraph_place: Name | None = None
    report_place: Name | None = None

    def placed(self, sentence: Sentence, item: Item) -> Item:
        """``item`` with the place told before, if it is an event or claim without one."""
        if item.type not in ("event", "claim") or item.place is not None:
            return item
        chosen = self.paragraph_place or (self.report_place if sentence.has(words.AREA) else None)
        if chosen is None:
            return item
        return replace(item, place=chosen.text, governorate=chosen.value)

    def told(self, sentence: Sentence, items: list[Item]) -> None:
        """Remember what ``sentence`` told."""
        self.items += items
        said = [i for i in items if i.type in ("statement", "position")]
        self.speaker = said[-1] if said else (self.speaker if not items else None)
        parties = [n for n in sentence.names if n.kind == "party"]
        if parties:  # who "the ministry" is when no one spoke before
            self.subject = _with_actor(replace(items[0] if items else _NOBODY), parties[0])
        attacks = [i for i in items if i.type == "event" and i.category != "meeting"]
        self.attack = attacks[-1] if attacks else self.attack
        groups = [n for n in sentence.names if n.kind == "group"]
        self.group = groups[-1] if groups else self.group
        inside = [n for n in sentence.names if n.kind == "place" and n.value != ABROAD]
        if inside:
            self.paragraph_place = self.report_place = inside[-1]


def _cause(sentence: Sentence, base: Item, event: Item | None) -> Item | None:
    """The attack an event or words answer, when the sentence dates it on its own: "struck
    ... on Monday in response to a drone attack on U.S. troops last week". When the event is
    that attack ("summoned the envoy on Monday after a strike last week"), its date is."""
    found = words.CAUSE[sentence.language].search(sentence.folded.text)
    if found is None:
        return None
    dated = [d.when for d in sentence.dates if d.start >= found.end()]
    if not dated:
        return None
    if (
        event is not None
        and min(
            (m for p in (words.ATTACK, words.STRIKE) if (m := _first(p, sentence, 0)) is not None),
            default=0,
        )
        >= found.start()
    ):
        event.when = dated[0]
        return None
    category, actor = _category(sentence, found.start())
    places = [n for n in sentence.names if n.kind == "place" and n.start >= found.start()]
    item = replace(base, category=category, when=dated[0], target=_target(sentence, actor))
    if places:
        chosen = places[0]
        item = replace(item, place=chosen.text, governorate=chosen.value or None)
    return _with_actor(item, actor)


def _counting(claim: Item, attack: Item) -> Item:
    """A count of attacks that names no doer or target ("the third attack on the airport this
    month") counts attacks like the one told before: its category, and its place if none."""
    found = replace(claim, category=attack.category)
    if found.governorate is None:
        found = replace(found, place=attack.place, governorate=attack.governorate)
    return found


def _dates_saying(sentence: Sentence, dated: Dated) -> bool:
    """Whether the date words follow a verb of saying closely ("said on Tuesday", «أعلنت
    الخلية، اليوم الثلاثاء،») with no attack between."""
    text = sentence.folded.text
    for verb in words.SPEECH[sentence.language].finditer(text, max(0, dated.start - 45)):
        if verb.end() > dated.start:
            break
        between = text[verb.end() : dated.start]
        if not any(p[sentence.language].search(between) for p in (words.ATTACK, words.STRIKE)):
            return True
    return False


def _refers_back(sentence: Sentence) -> bool:
    """Whether the sentence's attack is one told before: "the attack", «الغارات», or given to
    someone ("police blamed Islamic State")."""
    text, language = sentence.folded.text, sentence.language
    blame = words.BLAME[language].search(text)
    if blame and not words.NOT[language].search(text[max(0, blame.start() - 25) : blame.start()]):
        return True
    found = [p[language].search(text) for p in (words.ATTACK, words.STRIKE)]
    first = min((m for m in found if m is not None), key=lambda m: m.start(), default=None)
    if first is None:
        return False
    if words.BEFORE[language].search(text[max(0, first.start() - 30) : first.start()]):
        return True
    return language == "ar" and bool(words.ARTICLE.match(first.group()))


def _same_day(sentence: Sentence, attack: Item) -> bool:
    """Whether the sentence names no day of its own other than the attack's."""
    own = sentence.said_when(said=False)
    if own is None or own.day is None:
        return True
    return attack.when is not None and attack.when.day == own.day


def _add_to(attack: Item, sentence: Sentence) -> None:
    """What a sentence about an attack told before adds to it: place, casualties, doer."""
    placed = _place(sentence, attack)
    if attack.governorate is None and placed.place is not None:
        attack.place, attack.governorate = placed.place, placed.governorate
    killed, wounded = _casualties(sentence)
    attack.killed = attack.killed if attack.killed is not None else killed
    attack.wounded = attack.wounded if attack.wounded is not None else wounded
    category, actor = _category(sentence)
    if attack.category == "other" and category in ("isis_attack", "militia_attack"):
        attack.category, attack.actor = category, actor.text if actor else attack.actor


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
        dates=dates(folded, report.published, found.anchors),
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


def _speaker(sentence: Sentence) -> Name | None:
    """Who speaks in the sentence: the actor nearest before its first verb of saying, else
    the first one just after it («قال المتحدث باسم الحكومة»); after "according to" only.
    Someone not in the lists who says it ("..., police in Ninawa said") is no actor before."""
    verb = words.SPEECH[sentence.language].search(sentence.folded.text)
    if verb is None:
        return None
    text = sentence.folded.text
    actors = [n for n in _actors(sentence) if text.count('"', 0, n.start) % 2 == 0]  # unquoted
    before = [n for n in actors if n.end <= verb.start()]
    if words.ACCORDING[sentence.language].match(text, verb.start()) or _said_by_another(
        text, before, verb.start()
    ):
        before = []
    if before:
        at = len(before) - 1  # a title before a name is one speaker: "Prime Minister Sudani"
        while (
            at
            and before[at].start - before[at - 1].end <= 2
            and (before[at].value == before[at - 1].value)
        ):
            at -= 1
        return before[at]
    after = [n for n in actors if 0 <= n.start - verb.end() <= 40]
    return after[0] if after else None


_RELATIVE = re.compile(r"(?:who|which|he|she|it|they|وهو|وهي|الذي|التي)(?![\w])")


def _said_by_another(text: str, before: list[Name], verb: int) -> bool:
    """Whether words that name no actor stand between the last comma and the verb."""
    comma = max(text.rfind(",", 0, verb), text.rfind("،", 0, verb))
    if comma < 0 or not before or before[-1].end > comma:
        return False
    lead = text[comma + 1 : verb].strip()
    return bool(lead) and not _RELATIVE.match(lead)


def _agent(sentence: Sentence, at: int, after: int) -> Name | None:
    """Who did what the words at ``at`` say: named after "by", else the nearest actor before
    (not the one who speaks)."""
    text = sentence.folded.text
    speaker = _speaker(sentence)
    for name in _actors(sentence):
        by = words.BY[sentence.language].search(text[max(0, name.start - 20) : name.start])
        if by and (at <= name.start <= at + 40 or by["claimed"]):
            return name
    before = [n for n in _actors(sentence) if after <= n.start < at and n != speaker]
    if before:
        return before[-1]
    if sentence.language != "ar":
        return None
    targets = {n.start for n in sentence.names if n.kind == "target"}
    after_verb = [n for n in _actors(sentence) if 0 < n.start - at <= 30 and n.start not in targets]
    return after_verb[0] if after_verb else None  # «شنت طائرات يعتقد أنها أمريكية غارات»


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
    if strike_at is not None and strike_at == at:  # "strikes on ISIS hideouts": struck, not doing
        groups = [n for n in groups if n.start < at]
    struck = agent is not None and agent.kind == "party" and strike_at is not None
    doer = agent if agent is not None and agent.kind == "group" else None
    if doer is None and groups and not struck:  # the party named was attacked, or spoke
        doer = groups[0]
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
    own = sentence.said_when(said=False)
    day = own is not None and own.day is not None
    if after and not day:
        return None  # the sentence's attacks are the claim's
    killed, wounded = _casualties(sentence)
    if (
        not day
        and killed is None
        and wounded is None
        and not any(n.kind == "place" and n.value for n in sentence.names)
    ):
        return None
    category, actor = _category(sentence, after)
    item = replace(base, category=category, killed=killed, wounded=wounded, when=own,
                   target=_target(sentence, actor))  # fmt: skip
    return _place(sentence, _with_actor(item, actor))


def _claim(sentence: Sentence, base: Item) -> tuple[Item | None, int]:
    """A count of attacks over a period ("about 150 attacks since October", "bringing the
    number of attacks to 5", "the third attack this month"), and where its words end (0 if
    there is none)."""
    text = sentence.folded.text
    counts = [
        (n.value, n.qualifier, counted.end())
        for n in sentence.numbers
        if n.value is not None and n.value >= 2
        and (counted := words.COUNTED[sentence.language].match(text, n.end))
    ]  # fmt: skip
    total = words.TOTAL[sentence.language].search(text)
    counts += [
        (n.value, n.qualifier, n.end)
        for n in sentence.numbers
        if total and n.start == total.end() and n.value is not None and n.value >= 2
    ]
    periods = [d.when for d in sentence.dates if d.when.day is None]
    ordinal = words.ORDINAL[sentence.language].search(text)
    if not counts and ordinal and periods:
        counts = [(words.ORDINALS[ordinal["n"]], None, ordinal.end())]
    if not counts:
        return None, 0
    count, qualifier, end = counts[0]
    category, actor = _category(sentence)
    period = periods[0] if periods else None
    item = replace(base, type="claim", category=category, count=count, count_qualifier=qualifier,
                   when=period, target=_target(sentence, actor))  # fmt: skip
    return _place(sentence, _with_actor(item, actor)), end


def _statement(
    sentence: Sentence, base: Item, speaker: Item | None, group: Name | None = None
) -> Item | None:
    """A statement or position; who speaks is named, or "the spokesperson" (the speaker
    before), or "the group" (the armed group named last)."""
    if not sentence.has(words.SPEECH):
        return None
    actor = _speaker(sentence)
    item = replace(base, when=sentence.said_when(said=True), type="statement")
    kind = "position" if sentence.has(words.POSITION) else "statement"
    if actor is not None:
        item = _with_actor(item, actor)
    elif speaker is not None and sentence.has(words.SPEAKER):
        told = speaker.type not in ("statement", "position")  # an event or claim before
        if told and kind == "statement" and not sentence.has(words.CONDEMN):
            return None  # the account of what was told before, not words of its own
        item = replace(item, actor=speaker.actor, party=speaker.party)
    elif group is not None and _group_speaks(sentence):
        item = replace(item, actor=group.text, party=None)
    else:
        return None
    return replace(item, type=kind, category="statement")


def _group_speaks(sentence: Sentence) -> bool:
    """Whether "the group" («الفصيل») is who speaks: next to the verb, not in what is said."""
    text = sentence.folded.text
    verb = words.SPEECH[sentence.language].search(text)
    named = words.GROUP_SPEAKER[sentence.language].search(text)
    if verb is None or named is None:
        return False
    return -25 <= named.start() - verb.start() <= len(verb.group()) + 2


def _meeting(sentence: Sentence, base: Item) -> Item | None:
    if not sentence.has(words.MEETING):
        return None
    parties = [n for n in sentence.names if n.kind == "party"]
    if not parties and not sentence.has(words.COMMISSION):
        return None
    own = sentence.said_when(said=False)
    if (own is None or own.day is None) and not sentence.has(words.HELD):
        return None  # talks spoken of, not held on a day
    item = replace(base, category="meeting", when=own)
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
