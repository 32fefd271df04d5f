"""News extraction: dates, places, numbers, actors and their parties, in English and Arabic."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hmc.news import Item, Report, extract, read_report
from hmc.news.dates import when
from hmc.news.folding import Folded

DATA = Path(__file__).parent / "data" / "news"
THURSDAY = date(2024, 1, 25)


def _when(text: str, published: date = THURSDAY) -> tuple[str | None, ...]:
    found = when(Folded.of(text), published)
    assert found is not None, text
    return tuple(d.isoformat() if d else None for d in (found.day, found.start, found.end))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US strikes on Tuesday", ("2024-01-23", None, None)),
        ("on Thursday", ("2024-01-25", None, None)),  # the day itself
        ("yesterday", ("2024-01-24", None, None)),
        ("قصف يوم الثلاثاء", ("2024-01-23", None, None)),
        ("أمسِ", ("2024-01-24", None, None)),
        ("The commission will meet on Sunday", ("2024-01-28", None, None)),
        ("في 12 رجب 1445 هـ", ("2024-01-24", None, None)),
        ("٢٤/١/٢٠٢٤", ("2024-01-24", None, None)),
        ("on January 24", ("2024-01-24", None, None)),
    ],
)
def test_relative_dates_resolve_to_a_day(text: str, expected: tuple[str | None, ...]) -> None:
    assert _when(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last week", (None, "2024-01-15", "2024-01-21")),
        ("as announced in August 2023", (None, "2023-08-01", "2023-08-31")),
        ("الشهر الماضي", (None, "2023-12-01", "2023-12-31")),
        ("العام الماضي", (None, "2023-01-01", "2023-12-31")),
        ("in August", (None, "2023-08-01", "2023-08-31")),
        ("since October", (None, "2023-10-01", "2024-01-25")),
        ("في رمضان 1445 هـ", (None, "2024-03-11", "2024-04-09")),
    ],
)
def test_vague_words_give_an_interval_never_a_day(
    text: str, expected: tuple[str | None, ...]
) -> None:
    assert _when(text) == expected


def test_a_sentence_without_date_words_has_no_date() -> None:
    assert when(Folded.of("Attacks were likely to continue."), THURSDAY) is None


def _items(name: str, published: date | None = None) -> list[dict[str, object]]:
    report = read_report(DATA / name, published=published, today=date(2024, 2, 1))
    return [item.to_dict() for item in extract(report)]


def _one(sentence: str, language: str) -> Item:
    """The one item of a report that is ``sentence``."""
    report = Report(file="t", source=sentence, text=sentence, sha256="", published=THURSDAY,
                    language=language)  # fmt: skip
    (item,) = extract(report)
    return item


def test_a_us_strike_its_place_and_the_iraqi_position() -> None:
    items = _items("strike.txt")
    strike, position, follow = items
    assert strike["category"] == "coalition_strike" and strike["type"] == "event"
    assert strike["date"] == "2024-01-23" and strike["date_text"] == "on Tuesday"
    assert strike["governorate"] == "babil" and strike["party"] == "us"
    assert position["type"] == "position" and position["party"] == "iq"
    assert follow["type"] == "statement" and follow["party"] == "iq"  # "the spokesperson added"


def test_an_isis_attack_in_arabic_with_its_casualties() -> None:
    (attack, statement) = _items("isis-ar.txt")
    assert attack["category"] == "isis_attack"
    assert (attack["killed"], attack["wounded"]) == (3, 5)
    assert attack["governorate"] == "kirkuk" and attack["date"] == "2024-01-23"
    assert statement["type"] == "statement" and statement["party"] == "iq"


def test_a_claim_with_arabic_indic_digits_and_its_period() -> None:
    (claim,) = _items("claim-ar.txt", published=THURSDAY)
    assert claim["type"] == "claim" and claim["category"] == "attack_on_coalition"
    assert (claim["count"], claim["count_qualifier"]) == (150, "about")
    assert (claim["date_from"], claim["date_to"]) == ("2023-10-01", "2024-01-25")


@pytest.mark.parametrize(
    ("sentence", "governorate"),
    [
        ("A bomb exploded in Nineveh on Monday.", "ninewa"),
        ("A bomb exploded in Ninawa on Monday.", "ninewa"),
        ("A bomb exploded in Salahuddin on Monday.", "salah-al-din"),
        ("A bomb exploded near Tikrit on Monday.", "salah-al-din"),
        ("A bomb exploded in Al-Anbar on Monday.", "anbar"),
        ("انفجرت عبوة ناسفة في نينوى يوم الاثنين.", "ninewa"),
        ("انفجرت عبوة ناسفة في محافظة صلاح الدين يوم الاثنين.", "salah-al-din"),
        ("انفجرت عبوة ناسفة بالأنبار يوم الاثنين.", "anbar"),
    ],
)
def test_places_in_both_scripts_and_their_variants(sentence: str, governorate: str) -> None:
    item = _one(sentence, "ar" if "ع" in sentence else "en")
    assert item.governorate == governorate


@pytest.mark.parametrize(
    ("sentence", "killed", "wounded"),
    [
        ("A roadside bomb killed two soldiers and wounded five in Diyala on Monday.", 2, 5),
        ("Nearly two dozen people were wounded in a bombing in Kirkuk yesterday.", None, 24),
        ("أسفر التفجير في ديالى أمس عن مقتل جنديين وإصابة أربعة آخرين.", 2, 4),
    ],
)
def test_numbers_in_words_and_digits(
    sentence: str, killed: int | None, wounded: int | None
) -> None:
    item = _one(sentence, "ar" if "ع" in sentence else "en")
    assert (item.killed, item.wounded) == (killed, wounded)


@pytest.mark.parametrize(
    ("sentence", "language", "actor", "party"),
    [
        ("The State Department said the talks would go on.", "en", "State Department", "us"),
        ("Prime Minister Mohammed Shia al-Sudani said so.", "en", "Prime Minister", "iq"),
        ("وقال البنتاغون إن المحادثات مستمرة.", "ar", "البنتاغون", "us"),
        ("وأكدت وزارة الخارجية العراقية ذلك.", "ar", "وزارة الخارجية العراقية", "iq"),
        ("Kataib Hezbollah said it would stop its operations.", "en", "Kataib Hezbollah", None),
    ],
)
def test_actors_and_their_parties(
    sentence: str, language: str, actor: str, party: str | None
) -> None:
    item = _one(sentence, language)
    assert (item.type, item.actor, item.party) == ("statement", actor, party)
