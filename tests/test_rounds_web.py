"""The round pages: drafting in private, conflicts that lose nothing, release, signing, audit."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD, sign_in
from hmc.app import create_app
from hmc.storage import get_engine
from serving import serving
from test_browser import ARGS, CHROMIUM, Watched

ROUNDS = "/commissions/hmc-iraq-2024/rounds"
US_SECRET = "US-PRIVATE-RATIONALE-7731"


@dataclass
class Member:
    """A signed-in browser: its client and the CSRF token its forms carry."""

    client: TestClient
    csrf: str

    def get(self, path: str) -> Response:
        return self.client.get(path)

    def post(self, path: str, **data: str) -> Response:
        return self.client.post(path, data={"csrf": self.csrf, **data}, follow_redirects=False)


@pytest.fixture
def app(demo_copy: Engine) -> FastAPI:
    get_engine.cache_clear()
    return create_app()


@pytest.fixture
def people(app: FastAPI) -> Iterator[Callable[[str], Member]]:
    """Signs a demo member in, in a browser of their own."""
    opened: list[TestClient] = []

    def signed_in(username: str) -> Member:
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return Member(client, sign_in(client, username))

    yield signed_in
    for client in opened:
        client.__exit__(None, None, None)


def open_round(chair: Member, name: str = "February 2024") -> int:
    done = chair.post(ROUNDS, name=name, as_of="2024-02-25", flag_gap="2")
    assert done.status_code == 303, done.text
    found = re.fullmatch(r"/rounds/(\d+)", done.headers["location"])
    assert found, done.headers["location"]
    return int(found.group(1))


def items(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<section class="panel item[^"]*" id="item-(\d+)"', page)]


def rate(
    who: Member, round_id: int, item: int, level: int, rationale: str, version: str = ""
) -> Response:
    return who.post(
        f"/rounds/{round_id}/items/{item}/rating",
        level=str(level),
        confidence="medium",
        rationale=rationale,
        evidence="",
        version=version,
    )


def rate_all(who: Member, round_id: int, level: int, skip: int | None = None) -> None:
    for item in items(who.get(f"/rounds/{round_id}").text):
        if item != skip:
            saved = rate(who, round_id, item, level, f"{who.csrf[:4]} rates {item}")
            assert saved.status_code == 303


def test_a_co_chair_opens_a_round_and_the_exercise_is_labelled(
    people: Callable[[str], Member],
) -> None:
    chair = people("us-co-chair")
    listing = chair.get(ROUNDS).text
    assert 'action="/commissions/hmc-iraq-2024/rounds"' in listing
    assert "EXERCISE" in listing and "Exercise — January 2024" in listing
    assert 'name="flag_gap" value="2"' in listing
    round_id = open_round(chair)
    page = chair.get(f"/rounds/{round_id}").text
    assert "February 2024" in page and "Drafting" in page
    assert len(items(page)) == 7
    observer = people("us-observer").get(ROUNDS).text
    assert "February 2024" in observer
    assert 'action="/commissions/hmc-iraq-2024/rounds"' not in observer
    assert "Only a co-chair of a party opens a round." in observer


def test_opening_a_round_with_a_bad_date_keeps_what_was_typed(
    people: Callable[[str], Member],
) -> None:
    chair = people("iq-co-chair")
    page = chair.post(ROUNDS, name="Typed name 5521", as_of="2024-02-31", flag_gap="3")
    assert page.status_code == 422
    assert "The round was not opened:" in page.text
    assert 'value="Typed name 5521"' in page.text and 'value="2024-02-31"' in page.text
    assert people("us-analyst").post(ROUNDS, name="x", as_of="2024-02-01").status_code == 403


def test_drafts_are_seen_by_their_own_party_only(people: Callable[[str], Member]) -> None:
    round_id = open_round(people("us-co-chair"))
    analyst = people("us-analyst")
    item = items(analyst.get(f"/rounds/{round_id}").text)[0]
    saved = rate(analyst, round_id, item, 3, US_SECRET)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/rounds/{round_id}#item-{item}"
    assert US_SECRET in analyst.get(f"/rounds/{round_id}").text
    assert US_SECRET in people("us-member").get(f"/rounds/{round_id}").text
    for other in ("iq-analyst", "iq-co-chair", "us-observer", "iq-observer", "admin"):
        who = people(other)
        assert US_SECRET not in who.get(f"/rounds/{round_id}").text, other
        assert US_SECRET not in who.get("/audit").text, other
    assert US_SECRET in analyst.get("/audit").text  # the party's own draft record
    observer = people("us-observer").get(f"/rounds/{round_id}").text
    assert "Observers and administrators see them once both parties have submitted." in observer
    assert "/rating" not in observer


def test_each_level_has_its_rubric_beside_the_radio_button(
    people: Callable[[str], Member],
) -> None:
    round_id = open_round(people("us-co-chair"))
    page = people("iq-analyst").get(f"/rounds/{round_id}").text
    labels = re.findall(r'<label class="level">(.*?)</label>', page, re.DOTALL)
    first = next(label for label in labels if 'name="level" value="1"' in label)
    assert "Not capable" in first
    assert "Cannot perform the function; the Coalition performs it." in first
    observer = people("iq-observer").get(f"/rounds/{round_id}").text
    assert "Performs and sustains the function without Coalition support." in observer


def test_a_save_made_meanwhile_is_a_409_that_keeps_what_was_typed(
    people: Callable[[str], Member],
) -> None:
    round_id = open_round(people("us-co-chair"))
    analyst, member = people("us-analyst"), people("us-member")
    item = items(analyst.get(f"/rounds/{round_id}").text)[0]
    assert rate(analyst, round_id, item, 2, "first draft").status_code == 303
    assert rate(member, round_id, item, 4, "MEMBER-SAVED-TEXT", version="1").status_code == 303
    stale = rate(analyst, round_id, item, 3, "ANALYST-TYPED-TEXT", version="1")
    assert stale.status_code == 409
    assert "Someone saved this item after you opened it." in stale.text
    assert "MEMBER-SAVED-TEXT" in stale.text  # the stored rating, shown
    assert re.search(r"<textarea name=\"rationale\"[^>]*>ANALYST-TYPED-TEXT</textarea>", stale.text)
    assert 'name="level" value="3" required checked' in stale.text
    assert '<input type="hidden" name="version" value="2">' in stale.text
    again = rate(analyst, round_id, item, 3, "ANALYST-TYPED-TEXT", version="2")
    assert again.status_code == 303
    assert "ANALYST-TYPED-TEXT" in analyst.get(f"/rounds/{round_id}").text


def test_a_missing_rationale_or_level_is_a_422_that_keeps_what_was_typed(
    people: Callable[[str], Member],
) -> None:
    round_id = open_round(people("us-co-chair"))
    analyst = people("iq-analyst")
    item = items(analyst.get(f"/rounds/{round_id}").text)[1]
    path = f"/rounds/{round_id}/items/{item}/rating"
    evidence = "document Field notes 42\nurl https://example.org/report"
    missing = analyst.post(path, level="4", confidence="high", rationale="  ", evidence=evidence)
    assert missing.status_code == 422
    assert "Not saved:" in missing.text and "rationale" in missing.text
    assert f'dir="ltr">{evidence}</textarea>' in missing.text
    assert 'value="high" selected' in missing.text
    no_level = analyst.post(path, confidence="low", rationale="KEPT-RATIONALE-88", evidence="")
    assert no_level.status_code == 422
    assert "Not saved: choose a level." in no_level.text
    assert "KEPT-RATIONALE-88</textarea>" in no_level.text
    bad_link = analyst.post(path, level="2", confidence="low", rationale="r", evidence="memo x")
    assert bad_link.status_code == 422
    assert "kind must be one of" in bad_link.text and "memo x</textarea>" in bad_link.text


def test_a_post_without_its_csrf_token_is_refused(people: Callable[[str], Member]) -> None:
    round_id = open_round(people("us-co-chair"))
    analyst = people("us-analyst")
    item = items(analyst.get(f"/rounds/{round_id}").text)[0]
    path = f"/rounds/{round_id}/items/{item}/rating"
    data = {"level": "3", "confidence": "low", "rationale": "NO-CSRF-TEXT"}
    refused = analyst.client.post(path, data=data, follow_redirects=False)
    assert refused.status_code == 403
    assert "CSRF" in refused.text
    assert "NO-CSRF-TEXT" not in analyst.get(f"/rounds/{round_id}").text


def test_readers_get_a_message_and_refusals_are_error_pages(
    people: Callable[[str], Member],
) -> None:
    round_id = open_round(people("us-co-chair"))
    observer = people("iq-observer")
    item = items(observer.get(f"/rounds/{round_id}").text)[0]
    refused = rate(observer, round_id, item, 3, "observer text")
    assert refused.status_code == 403 and "only co-chairs, members and analysts" in refused.text
    assert people("us-analyst").post(f"/rounds/{round_id}/submit").status_code == 403
    missing = observer.get("/rounds/999999")
    assert missing.status_code == 404 and "no round 999999" in missing.text
    other = observer.get("/commissions/pic-iraq-2006/rounds")
    assert other.status_code == 403
    early = observer.get(f"/rounds/{round_id}/divergence")
    assert early.status_code == 409 and "not released yet" in early.text


def test_the_whole_round_from_drafts_to_signatures(people: Callable[[str], Member]) -> None:
    us_chair, iq_chair = people("us-co-chair"), people("iq-co-chair")
    us, iq = people("us-analyst"), people("iq-analyst")
    round_id = open_round(us_chair)
    first, *_ = items(us.get(f"/rounds/{round_id}").text)
    rate_all(us, round_id, 3, skip=first)
    assert rate(us, round_id, first, 1, US_SECRET).status_code == 303
    rate_all(iq, round_id, 4)
    early = iq_chair.post(f"/rounds/{round_id}/submit")
    assert early.status_code == 303  # every item rated by iq
    page = us_chair.get(f"/rounds/{round_id}").text
    assert "Submit our ratings" in page
    assert US_SECRET not in iq.get(f"/rounds/{round_id}").text  # iq submitted, us not yet
    assert us_chair.post(f"/rounds/{round_id}/submit").status_code == 303

    released = iq.get(f"/rounds/{round_id}").text
    assert "Released" in released and US_SECRET in released
    assert US_SECRET in people("admin").get(f"/rounds/{round_id}").text
    assert "Flagged for the next working meeting" in released  # levels 1 and 4: a gap of 3
    assert "/joint" not in released  # an analyst does not reconcile
    divergence = iq.get(f"/rounds/{round_id}/divergence")
    assert divergence.status_code == 200
    assert "Weighted kappa" in divergence.text and "chart-history" in divergence.text

    chair_page = us_chair.get(f"/rounds/{round_id}").text
    assert chair_page.count('action="/items/') == 7
    for n, item in enumerate(items(chair_page)):
        choice = "disputed" if n == 0 else "3"
        done = us_chair.post(f"/items/{item}/joint", round=str(round_id), choice=choice, note="")
        assert done.status_code == 303, done.text
        assert done.headers["location"] == f"/rounds/{round_id}#item-{item}"
    for chair in (us_chair, iq_chair):
        assert chair.post(f"/rounds/{round_id}/sign").status_code == 303

    signed = iq.get(f"/rounds/{round_id}").text
    assert "Both co-chairs signed this round: it is read-only." in signed
    chair_view = iq_chair.get(f"/rounds/{round_id}").text
    for page in (signed, chair_view):
        assert "/rating" not in page and "/joint" not in page
        assert f'action="/rounds/{round_id}/sign"' not in page
    assert f'action="/rounds/{round_id}/amend"' in chair_view
    heads = re.findall(r'<code class="hash" dir="ltr">([0-9a-f]{64})</code>', signed)
    assert len(heads) == 2 and heads[0] != heads[1]
    assert "/amend" not in signed  # an analyst does not amend
    amended = iq_chair.post(f"/rounds/{round_id}/amend")
    assert amended.status_code == 303 and amended.headers["location"] != f"/rounds/{round_id}"
    assert "(amended)" in iq_chair.get(amended.headers["location"]).text


def test_submitting_before_every_item_is_rated_says_why(people: Callable[[str], Member]) -> None:
    chair = people("us-co-chair")
    round_id = open_round(chair)
    refused = chair.post(f"/rounds/{round_id}/submit")
    assert refused.status_code == 422
    assert "Not submitted:" in refused.text and "7 item(s) not rated yet by us" in refused.text


def test_a_stale_joint_rating_keeps_the_note(people: Callable[[str], Member]) -> None:
    us_chair, iq_chair = people("us-co-chair"), people("iq-co-chair")
    round_id = open_round(us_chair)
    rate_all(people("us-member"), round_id, 2)
    rate_all(people("iq-member"), round_id, 2)
    for chair in (us_chair, iq_chair):
        assert chair.post(f"/rounds/{round_id}/submit").status_code == 303
    item = items(us_chair.get(f"/rounds/{round_id}").text)[0]
    path = f"/items/{item}/joint"
    assert iq_chair.post(path, round=str(round_id), choice="2", note="IQ-NOTE").status_code == 303
    stale = us_chair.post(path, round=str(round_id), choice="disputed", note="US-NOTE-KEPT")
    assert stale.status_code == 409
    assert "US-NOTE-KEPT</textarea>" in stale.text and "IQ-NOTE" in stale.text
    assert '<input type="hidden" name="version" value="1">' in stale.text
    no_choice = us_chair.post(path, round=str(round_id), note="N2")
    assert no_choice.status_code == 422 and "choose a joint level, or disputed" in no_choice.text


def test_the_audit_page_shows_readable_records_and_hashes(people: Callable[[str], Member]) -> None:
    chair = people("us-co-chair")
    round_id = open_round(chair, name="Audited round")
    page = chair.get(f"/audit?type=round&id={round_id}")
    assert page.status_code == 200
    rows = re.findall(r"<tr>\s*<th scope=\"row\" dir=\"ltr\">(\d+)</th>", page.text)
    assert len(rows) == 1  # the opening of the round
    assert '<code dir="ltr">open</code>' in page.text
    name = '<dt dir="ltr">name</dt><dd class="value"><bdi>Audited round</bdi></dd>'
    assert name in page.text
    full = re.search(r'title="([0-9a-f]{64})">([0-9a-f]{12})…</code>', page.text)
    assert full and full.group(1).startswith(full.group(2))
    assert "us-co-chair" in page.text  # the actor, by name
    everything = people("iq-observer").get("/audit").text
    assert "Audited round" in everything


def test_arabic_round_pages_are_right_to_left(people: Callable[[str], Member]) -> None:
    chair = people("us-co-chair")
    round_id = open_round(chair)
    page = chair.get(f"/rounds/{round_id}?lang=ar").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "حفظ المسودة" in page and "Save draft" not in page  # "Save draft"
    assert "قيد الإعداد" in page  # "Drafting"
    assert '<input type="hidden" name="lang" value="ar">' in page
    item = items(page)[0]
    done = chair.post(
        f"/rounds/{round_id}/items/{item}/rating",
        level="3",
        confidence="low",
        rationale="نص",
        lang="ar",
    )
    assert done.headers["location"] == f"/rounds/{round_id}?lang=ar#item-{item}"
    for path in (f"{ROUNDS}?lang=ar", "/audit?lang=ar"):
        html = chair.get(path).text
        assert 'dir="rtl"' in html and "سجل التدقيق" in html, path


@pytest.mark.browser
def test_the_round_pages_in_chromium(demo_copy: Engine, tmp_path: Path) -> None:
    """The exercise round and its divergence chart, drawn under the pages' CSP, in Arabic too."""
    get_engine.cache_clear()
    with serving() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        watched = Watched(browser, server)
        page = watched.page
        page.goto(f"{server}/sign-in?next={ROUNDS}")
        page.fill("input[name=username]", "iq-analyst")
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name=re.compile("Exercise — January 2024")).click()
        expect(page.locator("table.signatures tbody tr")).to_have_count(2)
        page.screenshot(path=tmp_path / "round.png", full_page=True)
        page.get_by_role("link", name="Divergence").click()
        expect(page.locator("[data-chart] svg.marks")).to_have_count(1, timeout=30_000)
        page.get_by_role("link", name="العربية").click()
        expect(page.locator("[data-chart] svg.marks")).to_have_count(1, timeout=30_000)
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        page.screenshot(path=tmp_path / "divergence-ar.png", full_page=True)
        browser.close()
    assert watched.problems == []


def test_the_dashboard_says_its_ratings_come_from_an_exercise(
    people: Callable[[str], Member],
) -> None:
    board = people("iq-observer").get("/").text
    assert "Rated indicators: the joint ratings of" in board
    assert "Exercise — January 2024" in board and "an exercise, not a real assessment" in board
    assert "2024-01-25" in board  # the day of the second signature
    earlier = people("iq-observer").get("/?as_of=2024-01-24").text
    assert "Rated indicators: the joint ratings of" not in earlier  # not signed yet then
