"""News extraction reads a report as a story: what a sentence adds to the event before, the
place told before, the day of the event rather than of the words, who speaks, and claims."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hmc.news import Report, extract, read_report
from hmc.news.reading import body_start

DATA = Path(__file__).parent / "data" / "news"
WEDNESDAY = date(2024, 3, 6)


def _items(text: str, language: str = "en", published: date = WEDNESDAY) -> list[dict[str, Any]]:
    report = Report(file="t", source=text, text=text, sha256="", published=published,
                    language=language)  # fmt: skip
    return [item.to_dict() for item in extract(report)]


def _fields(item: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(item[n] for n in names)


@pytest.mark.parametrize("name", ["story.txt", "story-ar.txt"])
def test_a_story_adds_to_its_event_rather_than_telling_new_ones(name: str) -> None:
    report = read_report(DATA / name, published=WEDNESDAY)
    items = [item.to_dict() for item in extract(report)]
    attack = items[0]
    # "The blast killed two ... wounded three" and "Police blamed Islamic State" add to it
    assert _fields(attack, "type", "category", "date", "governorate", "killed", "wounded") == (
        "event", "isis_attack", "2024-03-05", "kirkuk", 2, 3,
    )  # fmt: skip
    assert [i["type"] for i in items].count("event") == (2 if name == "story.txt" else 1)


def test_the_headline_and_the_dateline_give_no_item_day_or_place() -> None:
    text = (DATA / "story.txt").read_text("utf-8")
    assert text[body_start(text) :].startswith("A roadside bomb hit")
    arabic = (DATA / "story-ar.txt").read_text("utf-8")
    assert arabic[body_start(arabic) :].startswith("أعلنت خلية")
    assert body_start("date 2024-01-25 The United States announced") == 16


def test_in_the_area_takes_the_place_told_before_in_another_paragraph() -> None:
    report = read_report(DATA / "story.txt", published=WEDNESDAY)
    strike = extract(report)[-1].to_dict()
    assert _fields(strike, "category", "date", "governorate") == ("other", "2024-03-06", "kirkuk")
    other_paragraph = _items(
        "A bomb exploded in Kirkuk on Tuesday.\n\nA second bomb exploded on Wednesday."
    )
    assert other_paragraph[1]["governorate"] is None


def test_a_sentence_without_a_place_takes_its_paragraphs() -> None:
    items = _items(
        "Gunmen attacked a checkpoint in Tarmiyah on Monday. Rockets hit a base on Tuesday."
    )
    assert [i["governorate"] for i in items] == ["baghdad", "baghdad"]


def test_the_condemnation_is_a_statement_the_account_is_not() -> None:
    text = (
        "Rockets hit Ain al-Asad on Tuesday. U.S. Central Command said the rockets fell "
        "inside the base. The Pentagon condemned the attack."
    )
    items = _items(text)
    assert [(i["type"], i["party"]) for i in items] == [("event", None), ("statement", "us")]


def test_no_one_claiming_an_attack_gives_it_to_no_one() -> None:
    text = "A bomb hit a bus in Diyala on Monday. No group claimed responsibility for the attack."
    assert [(i["type"], i["category"]) for i in _items(text)] == [("event", "other")]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Police said on Wednesday that gunmen attacked a checkpoint in Kirkuk yesterday.", "en",
         "2024-03-05"),
        ("أعلنت الشرطة، اليوم الأربعاء، مقتل جندي بهجوم في كركوك مساء أمس.", "ar", "2024-03-05"),
    ],
)  # fmt: skip
def test_an_events_day_is_not_the_day_it_was_told(text: str, language: str, expected: str) -> None:
    (event,) = _items(text, language)
    assert (event["type"], event["date"]) == ("event", expected)


def test_a_statement_is_dated_by_its_saying() -> None:
    (said,) = _items("The State Department said on Monday that the talks would go on.")
    assert (said["type"], said["date"]) == ("statement", "2024-03-04")


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Iraq's sovereignty must be respected, the State Department said.", "us"),
        ('"Iraq will decide," the State Department said.', "us"),
        ("وقال المتحدث باسم الحكومة إن واشنطن لم ترد.", "iq"),
    ],
)
def test_the_speaker_is_nearest_the_verb_and_not_quoted(text: str, party: str) -> None:
    (said,) = _items(text, "ar" if "ق" in text else "en")
    assert said["party"] == party


def test_according_to_names_the_speaker_after_it() -> None:
    assert _items("ISIS stepped up its activity, according to local officials.") == []


@pytest.mark.parametrize(
    ("text", "count", "period"),
    [
        ("Militias have attacked U.S. forces more than 160 times since mid-October.", 160,
         ("2023-10-01", "2024-03-06")),
        ("It was the third drone attack on Erbil airport this month.", 3,
         ("2024-03-01", "2024-03-06")),
    ],
)  # fmt: skip
def test_claims_count_times_and_ordinals(text: str, count: int, period: tuple[str, str]) -> None:
    (claim,) = _items(text)
    assert _fields(claim, "type", "count", "date_from", "date_to") == ("claim", count, *period)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The Prime Minister said the talks should lead to a clear timeframe.", "en"),
        ("Pentagon spokesman Pat Ryder said the United States would respond.", "en"),
        ("Lloyd Austin said the United States would protect its personnel.", "en"),
        ("وقال وزير الخارجية فؤاد حسين إن العراق لم يعد بحاجة إلى قوات قتالية أجنبية.", "ar"),
        ("وقال البنتاغون إن الولايات المتحدة ستواصل الرد دفاعاً عن قواتها.", "ar"),
    ],
)
def test_words_on_the_timeline_and_self_defence_are_positions(text: str, language: str) -> None:
    (said,) = _items(text, language)
    assert said["type"] == "position"


def test_a_weekday_is_read_ahead_only_after_words_of_the_future() -> None:
    text = 'On Wednesday, the Iraqi Foreign Ministry said the Prime Minister "will consider it."'
    (said,) = _items(text, published=date(2024, 3, 7))
    assert said["date"] == "2024-03-06"
    (meeting,) = _items("The Higher Military Commission will meet on Sunday in Baghdad.")
    assert meeting["date"] == "2024-03-10"


def test_august_last_year_is_last_year_even_among_words_of_the_future() -> None:
    text = "The State Department said the talks, agreed in August last year, will begin soon."
    (said,) = _items(text, published=date(2024, 1, 25))
    assert (said["date_from"], said["date_to"]) == ("2023-08-01", "2023-08-31")


def test_talks_spoken_of_over_a_month_are_no_meeting_held() -> None:
    items = _items("The next round of talks of the commission is expected next month.")
    assert all(i["category"] != "meeting" for i in items)


def test_someone_not_in_the_lists_saying_it_is_no_actors_statement() -> None:
    text = "Gunmen of Islamic State killed two farmers near Mosul overnight, police in Ninawa said."
    (event,) = _items(text)
    assert _fields(event, "type", "category", "governorate") == ("event", "isis_attack", "ninewa")
    strike = "Two fighters of Kataib Hezbollah were killed in a U.S. strike near al-Qaim on Friday, officials said."  # noqa: E501
    assert _items(strike)[0]["category"] == "coalition_strike"


def test_a_strike_verb_before_its_subject_in_arabic() -> None:
    text = "استهدفت غارة جوية أميركية، فجر أمس، موقعاً لفصيل مسلح في جرف النصر."
    (strike,) = _items(text, "ar")
    assert _fields(strike, "category", "party", "governorate", "date") == (
        "coalition_strike", "us", "babil", "2024-03-05",
    )  # fmt: skip


def test_a_meeting_held_according_to_a_statement_is_the_meeting() -> None:
    text = (
        "اجتمعت اللجنة العسكرية العليا، الأحد، في بغداد لبحث جدول انسحاب قوات التحالف، بحسب بيان."
    )
    (meeting,) = _items(text, "ar")
    assert _fields(meeting, "type", "category", "date") == ("event", "meeting", "2024-03-03")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("وشدد مسؤول عسكري أمريكي على أن بلاده تحتفظ بحق الرد.", "ar"),
        ("Fuad Hussein said Iraqi forces were ready to take over full responsibility.", "en"),
    ],
)
def test_the_right_to_respond_and_taking_over_security_are_positions(
    text: str, language: str
) -> None:
    (said,) = _items(text, language)
    assert (said["type"], said["party"]) == ("position", "us" if language == "ar" else "iq")


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت السلطات أن طائرتين مسيّرتين استهدفتا مطار أربيل يوم الخميس.",
        "قصفت طائرات حربية أميركية مخزناً في القائم يوم الخميس.",
        "هاجموا نقطة تفتيش في كركوك يوم الخميس.",
    ],
)
def test_arabic_attack_words_with_their_endings(text: str) -> None:
    (event,) = _items(text, "ar")
    assert (event["type"], event["date"]) == ("event", "2024-02-29")


def test_an_american_strike_named_by_its_adjective() -> None:
    (strike,) = _items("قصفت طائرات حربية أمريكية مخزناً للأسلحة في القائم أمس.", "ar")
    assert (strike["category"], strike["party"]) == ("coalition_strike", "us")


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("قصفت طائرات أمريكية موقعاً في القائم ليلة الأحد على الإثنين.", "ar",
         (None, "2024-03-03", "2024-03-04")),
        ("A rocket hit Ain al-Asad last night.", "en", ("2024-03-05", None, None)),
        ("أصيب جندي بهجوم في كركوك الليلة الماضية.", "ar", ("2024-03-05", None, None)),
    ],
)  # fmt: skip
def test_nights_are_days_before_publication(
    text: str, language: str, expected: tuple[str | None, ...]
) -> None:
    (event,) = _items(text, language)
    assert _fields(event, "date", "date_from", "date_to") == expected


def test_a_total_of_attacks_on_what_was_hit_counts_like_it() -> None:
    text = (
        "طائرتان مسيرتان استهدفتا مطار أربيل الذي يضم قوات التحالف يوم الاثنين.\n\n"
        "وبذلك يرتفع عدد الهجمات على المطار إلى خمسة منذ مطلع الشهر الماضي."
    )
    event, claim = _items(text, "ar")
    assert _fields(claim, "type", "category", "count", "governorate", "date_from") == (
        "claim", event["category"], 5, "erbil", "2024-02-01",
    )  # fmt: skip
    (total,) = _items(
        "The drone attack brought the number of attacks on U.S. forces to 12 this month."
    )
    assert (total["type"], total["count"]) == ("claim", 12)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The Pentagon said it would act to protect U.S. troops in Iraq.", "en"),
        ("The State Department said ties would become a bilateral security partnership.", "en"),
        (
            "وأكد العوادي أن العلاقة مع الولايات المتحدة ستتحول إلى شراكة أمنية بعد انتهاء المهمة.",
            "ar",
        ),
    ],
)
def test_protecting_troops_and_a_bilateral_partnership_are_positions(
    text: str, language: str
) -> None:
    (said,) = _items(text, language)
    assert said["type"] == "position"


@pytest.mark.parametrize(
    ("text", "language", "period"),
    [
        ("It was the fourth attempted strike on Harir in the past two weeks.", "en",
         ("2024-02-21", "2024-03-06")),
        ("ويعد هذا الهجوم الثاني على قاعدة عين الأسد خلال أسبوع.", "ar",
         ("2024-02-28", "2024-03-06")),
    ],
)  # fmt: skip
def test_a_span_up_to_publication(text: str, language: str, period: tuple[str, str]) -> None:
    (claim,) = _items(text, language)
    assert _fields(claim, "type", "date_from", "date_to") == ("claim", *period)


def test_an_attack_given_as_the_cause_is_an_event_of_its_own() -> None:
    text = (
        "U.S. jets struck two sites in Syria on Monday in response to a drone attack on "
        "U.S. troops at Ain al-Asad last week."
    )
    strike, attack = _items(text)
    assert _fields(strike, "category", "date") == ("coalition_strike", "2024-03-04")
    assert _fields(attack, "category", "date_from", "governorate") == (
        "attack_on_coalition", "2024-02-26", "anbar",
    )  # fmt: skip
    summoned = (
        "Iraq summoned the U.S. envoy on Monday after a strike killed two men in Baghdad last week."
    )
    (strike,) = _items(summoned)
    assert (strike["date"], strike["date_from"]) == (None, "2024-02-26")


def test_condemning_an_assault_is_a_statement_aggression_on_sovereignty_a_position() -> None:
    (said,) = _items("ودان رئيس الوزراء الاعتداء وأمر بملاحقة المتورطين.", "ar")
    assert said["type"] == "statement"
    (said,) = _items("ودان رئيس الوزراء الضربة واعتبرها اعتداءً على السيادة.", "ar")
    assert said["type"] == "position"


@pytest.mark.parametrize(
    "text",
    [
        "Pentagon spokeswoman Sabrina Singh said Washington would defend its forces.",
        "The Iraqi Foreign Ministry said Iraqi forces had the capabilities to secure the country.",
    ],
)
def test_defending_forces_and_capabilities_are_positions(text: str) -> None:
    (said,) = _items(text)
    assert said["type"] == "position"


def test_a_convoy_for_the_us_led_coalition_is_the_coalitions() -> None:
    text = (
        "A bomb struck a convoy carrying supplies for the U.S.-led coalition near Hilla on Monday."
    )
    (attack,) = _items(text)
    assert _fields(attack, "category", "governorate") == ("attack_on_coalition", "babil")


def test_strikes_on_a_groups_hideouts_are_not_the_groups_attack() -> None:
    text = "نفذت طائرات F-16 العراقية ضربات جوية استهدفت أوكاراً لداعش في صلاح الدين أمس."
    (strike,) = _items(text, "ar")
    assert _fields(strike, "category", "party") == ("other", "iq")
    text = "شنت طائرات مسيرة يعتقد أنها أمريكية غارات على مقر لكتائب حزب الله في جرف الصخر أمس."
    (strike,) = _items(text, "ar")
    assert _fields(strike, "category", "party") == ("coalition_strike", "us")


def test_a_meeting_held_on_its_day_wins_over_the_words_about_it() -> None:
    text = (
        "Thabet al-Abbasi received the commander of the coalition's task force in Baghdad on "
        "Monday to discuss the transition, his ministry said."
    )
    (meeting,) = _items(text)
    assert _fields(meeting, "type", "category", "date") == ("event", "meeting", "2024-03-04")


def test_the_group_speaks_for_the_group_named_last() -> None:
    text = "A U.S. strike killed two members of Harakat al-Nujaba in Baghdad on Friday. The group vowed to avenge the killing."  # noqa: E501
    strike, said = _items(text)
    assert strike["category"] == "coalition_strike"
    assert _fields(said, "type", "actor", "party") == ("statement", "Harakat al-Nujaba", None)
    source = "قُتل جنديان بهجوم لداعش في نينوى أمس. وقال مصدر أمني إن خلايا التنظيم ما زالت تنشط."
    assert [i["type"] for i in _items(source, "ar")] == ["event"]


def test_since_the_start_of_the_month_and_us_bases() -> None:
    text = "The Islamic Resistance in Iraq said it had launched more than 20 drone attacks on U.S. bases since the start of the month."  # noqa: E501
    (claim,) = _items(text)
    assert _fields(claim, "type", "category", "count", "date_from", "date_to") == (
        "claim", "attack_on_coalition", 20, "2024-03-01", "2024-03-06",
    )  # fmt: skip


def test_sovereignty_with_a_pronoun_is_a_position() -> None:
    (said,) = _items("وقال المتحدث باسم الحكومة إن بغداد تعد أي ضربة خرقاً لسيادتها.", "ar")
    assert (said["type"], said["party"]) == ("position", "iq")
