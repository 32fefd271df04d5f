"""The joint report: a PDF whose text, in English and in Arabic, carries the API's numbers."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine
from typer.testing import CliRunner

from conftest import sign_in
from hmc.accounts import get_member
from hmc.app import create_app
from hmc.assessment import service
from hmc.assessment.views import round_view
from hmc.cli import app
from hmc.locale.formats import number
from hmc.storage import get_engine, session_scope

IRAQ = "/api/commissions/hmc-iraq-2024"


@pytest.fixture(scope="module")
def client(demo_sessions_db: Path) -> Iterator[TestClient]:
    from conftest import use_database

    use_database(f"sqlite:///{demo_sessions_db}")
    get_engine.cache_clear()
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        sign_in(test_client, "iq-observer")
        yield test_client


@pytest.fixture(scope="module")
def both(client: TestClient) -> bytes:
    answer = client.get(f"{IRAQ}/report", params={"lang": "both"})
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == "application/pdf"
    assert (
        'filename="hmc-iraq-2024-report-2024-01-27-both.pdf"'
        in answer.headers["content-disposition"]
    )
    return answer.content


def pages(pdf: bytes) -> list[str]:
    """The text of each page, Arabic letters in their base forms (not the joined glyphs)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in reader.pages]


def test_the_numbers_are_the_apis_in_both_languages(client: TestClient, both: bytes) -> None:
    text = pages(both)
    english = "\n".join(t for t in text if "Conditions by factor" in t or "Timeline" in t)
    arabic_start = next(n for n, t in enumerate(text) if "الشروط حسب العامل" in t)
    arabic = "\n".join(text[arabic_start:-1])
    assert "Conditions by factor" not in arabic
    status = client.get(f"{IRAQ}/status").json()
    values = [i for i in status["indicators"] if i["area"] is None and i["value"] is not None]
    assert values
    for indicator in values:
        for lang, part in (("en", english), ("ar", arabic)):
            assert number(lang, indicator["value"]) in part, (lang, indicator["key"])
    timeline = client.get(f"{IRAQ}/timeline").json()
    p50s = {r["p50"] for s in timeline["scenarios"] for r in s["timeline"] if r["p50"]}
    assert p50s
    for day in p50s:
        assert day in english and day in arabic, day
    held = sum(1 for g in status["gates"] if g["held"] is False)
    assert english.count("✗ not held") == held
    assert "إقليم كوردستان" in arabic and "مكافحة الإرهاب" in arabic


def test_the_last_page_carries_the_audit_head(client: TestClient, both: bytes) -> None:
    head = client.get("/api/audit/head").json()["head"]
    last = pages(both)[-1]
    assert head in last
    assert "Audit chain head" in last and "رأس سلسلة التدقيق" in last


def test_the_decisions_that_stand_and_the_actions_are_in_both_languages(
    client: TestClient, both: bytes
) -> None:
    listed = client.get(f"{IRAQ}/meetings").json()
    assert isinstance(listed, list), listed
    (held,) = listed
    meeting = client.get(f"{IRAQ}/meetings/{held['id']}").json()
    standing = [d for d in meeting["decisions"] if d["state"] == "stands"]
    assert standing and meeting["actions"]
    text = pages(both)
    arabic_start = next(n for n, t in enumerate(text) if "الشروط حسب العامل" in t)
    for half, heading in ((text[:arabic_start], "Decisions and actions"),
                          (text[arabic_start:], "القرارات والإجراءات")):  # fmt: skip
        joined = " ".join(half)
        assert heading in joined
        for written in [d["text"] for d in standing] + [a["text"] for a in meeting["actions"]]:
            assert " ".join(written.split())[:60] in joined


def test_the_same_database_and_date_give_the_same_pdf(client: TestClient, both: bytes) -> None:
    again = client.get(f"{IRAQ}/report", params={"lang": "both", "as_of": "2024-01-27"})
    assert again.content == both
    reader = PdfReader(io.BytesIO(both))
    assert reader.metadata is not None and reader.metadata["/CreationDate"] == "D:20240127000000Z"


def test_arabic_alone_and_a_bad_language(client: TestClient) -> None:
    arabic = pages(client.get(f"{IRAQ}/report", params={"lang": "ar"}).content)
    assert "التقرير المشترك" in arabic[0] and "Joint report" not in "".join(arabic)
    text = " ".join(arabic)
    for words in ("وحدها", "القيمة الأسبوعية", "المنطقة: "):
        assert words in text, words  # "Conditions only" (its header wraps), the charts' words
    assert "Conditions only" not in text and "Chance the phase has begun" not in text
    wrong = client.get(f"{IRAQ}/report", params={"lang": "fr"})
    assert wrong.status_code == 422


def test_arabic_indic_digits_are_an_option_of_the_arabic_text(client: TestClient) -> None:
    status = client.get(f"{IRAQ}/status").json()
    value = next(i["value"] for i in status["indicators"] if i["value"] and i["value"] >= 10)
    both = client.get(f"{IRAQ}/report", params={"lang": "both", "digits": "arabic-indic"})
    text = pages(both.content)
    arabic_start = next(n for n, t in enumerate(text) if "الشروط حسب العامل" in t)
    english, arabic = " ".join(text[:arabic_start]), " ".join(text[arabic_start:-1])
    indic = number("ar", value, digits="arab")
    assert indic in arabic or indic[::-1] in arabic  # pypdf may give a right-to-left run reversed
    assert number("en", value) in english and not any("٠" <= c <= "٩" for c in english)
    head = client.get("/api/audit/head").json()["head"]
    assert head in text[-1]  # the hash stays as written
    wrong = client.get(f"{IRAQ}/report", params={"digits": "roman"})
    assert wrong.status_code == 422


def test_another_commissions_report_is_refused(client: TestClient) -> None:
    answer = client.get("/api/commissions/pic-iraq-2006/report")  # an Iraq HMC member asks
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"


def test_the_dashboard_has_the_download_button(client: TestClient) -> None:
    html = client.get("/commissions/hmc-iraq-2024", params={"lang": "ar"}).text
    assert 'action="/api/commissions/hmc-iraq-2024/report"' in html
    assert "التقرير المشترك (PDF)" in html


def test_the_command_writes_the_report(demo_copy: Engine, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    runner = CliRunner()
    done = runner.invoke(
        app, ["report", "--as-of", "2024-01-27", "--lang", "en", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert str(out) in done.output
    assert "Conditions by factor" in pages(out.read_bytes())[0]
    bad = runner.invoke(app, ["report", "--lang", "de", "--out", str(out)])
    assert bad.exit_code == 1 and '--lang: "de" is not one of en, ar, both' in bad.output


MEMBERS = [f"{p}-{r}" for p in ("us", "iq") for r in ("co-chair", "analyst", "member", "observer")]
ROUNDS_ON = "2024-02-04"  # a date with rounds and no stored timeline: a quick report


def rate_round(engine: Engine, name: str, levels: dict[str, int], mark: str) -> int:
    """A round of the demo's commission rated by both parties, each rationale marked ``mark``."""
    with session_scope(engine) as session:
        chair = get_member(session, username="us-co-chair").actor
        opened = service.open_round(
            session,
            actor=chair,
            commission_id="hmc-iraq-2024",
            name=name,
            as_of=date.fromisoformat(ROUNDS_ON),
        )
        for party, level in levels.items():
            analyst = get_member(session, username=f"{party}-analyst").actor
            for item in round_view(session, viewer=analyst, round_id=opened.id).items:
                rationale = f"{party}{mark}{item.id}"
                service.save_rating(session, actor=analyst, item_id=item.id, level=level,
                                    confidence="low", rationale=rationale)  # fmt: skip
    return opened.id


def test_the_report_never_shows_a_partys_drafts(demo_copy: Engine) -> None:
    drafting = rate_round(demo_copy, "drafting", {"us": 1, "iq": 5}, "draftmark")
    released = rate_round(demo_copy, "released", {"us": 2, "iq": 4}, "releasedmark")
    with session_scope(demo_copy) as session:
        for party in ("us", "iq"):
            chair = get_member(session, username=f"{party}-co-chair").actor
            service.submit(session, actor=chair, round_id=released)
        chair = get_member(session, username="us-co-chair").actor
        items = round_view(session, viewer=chair, round_id=released).items
        service.reconcile(session, actor=chair, item_id=items[0].id, level=3, note="jointmark")
    for username in [*MEMBERS, "admin"]:
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            sign_in(client, username)
            answer = client.get(f"{IRAQ}/report", params={"as_of": ROUNDS_ON, "lang": "en"})
        assert answer.status_code == 200, (username, answer.text[:300])
        text = "\n".join(pages(answer.content))
        assert "draftmark" not in text and f"drafting ({ROUNDS_ON})" not in text, username
        assert f"Round {released}: released" in text and f"Round {drafting}:" not in text
        for party in ("us", "iq"):
            assert f"{party}releasedmark{items[0].id}" in text, (username, party)
        assert "jointmark" in text, username
