"""A whole joint assessment in a real headless Chromium, as the members do it.

Each member has a browser context of their own (their own cookies) and signs in through the
sign-in page. A co-chair opens a round from the rounds page; both parties' analysts rate
every item with the page's forms; neither party's drafts reach the other party or an
observer until both co-chairs have pressed Submit; the co-chairs record the joint ratings
and sign; then no form is left, and an old form's post is refused, changing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.storage import get_engine
from serving import serving
from test_browser import ARGS, CHROMIUM, Watched

pytestmark = pytest.mark.browser

COMMISSION = "hmc-iraq-2024"
ROUNDS = f"/commissions/{COMMISSION}/rounds"
US_SECRET = "US-BROWSER-SECRET"
IQ_SECRET = "IQ-BROWSER-SECRET"
LATE = "LATE-CHANGE-AFTER-SIGNING"
RATING_FORMS = 'form[action$="/rating"]'
JOINT_FORMS = 'form[action$="/joint"]'


class Person:
    """A member in a browser context of their own, whose page is watched for problems."""

    def __init__(self, browser: Browser, server: str, username: str) -> None:
        self.username, self.server = username, server
        self.watched = Watched(browser, server)  # a page in a new context: cookies of its own

    @property
    def page(self) -> Page:
        return self.watched.page

    def goto(self, path: str) -> Page:
        response = self.page.goto(f"{self.server}{path}")
        assert response is not None and response.status == 200, (self.username, path)
        return self.page

    def send(self, form: Locator) -> None:
        """Press the form's submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()
        self.page.wait_for_load_state()

    def api(self, path: str) -> Any:
        """The JSON API's answer to this member's browser (the session cookie)."""
        response = self.page.context.request.get(f"{self.server}/api{path}")
        assert response.status == 200, response.text()
        return response.json()


@pytest.fixture
def server(demo_copy: Engine) -> Iterator[str]:
    get_engine.cache_clear()  # the server's engine: this test's copy of the demo database
    with serving() as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "needs Debian's chromium: 'make test' installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def signed_in(browser: Browser, server: str, username: str) -> Person:
    """``username`` signed in through the sign-in page, typing name and password."""
    person = Person(browser, server, username)
    page = person.goto(f"/sign-in?next={ROUNDS}")
    form = page.locator('form[action="/sign-in"]')
    form.locator("input[name=username]").press_sequentially(username)
    form.locator("input[name=password]").press_sequentially(DEMO_PASSWORD)
    person.send(form)
    assert page.url == f"{server}{ROUNDS}", (username, page.url)
    assert page.locator('form[action="/sign-out"]').count() == 1
    return person


def item_ids(page: Page) -> list[int]:
    """The round's items, in the page's order."""
    sections = page.locator("section.item").evaluate_all("all => all.map(s => s.id)")
    assert all(re.fullmatch(r"item-\d+", s) for s in sections), sections
    return [int(s.removeprefix("item-")) for s in sections]


def rate_every_item(person: Person, round_path: str, secret: str, pick: int) -> None:
    """Rate each item with its form: a level, a confidence, a rationale, evidence; save."""
    page = person.goto(round_path)
    items = item_ids(page)
    assert len(items) == 7
    assert page.locator(RATING_FORMS).count() == len(items)
    for n, item in enumerate(items):
        form = page.locator(f"#item-{item} {RATING_FORMS}")
        levels = form.locator("input[type=radio][name=level]")
        chosen = levels.nth((pick + n) % levels.count())
        chosen.click()
        form.locator("select[name=confidence]").select_option(("low", "medium", "high")[n % 3])
        form.locator("textarea[name=rationale]").fill(f"{secret} item {item}: seen in the field")
        form.locator("textarea[name=evidence]").fill(f"document Field report {n}")
        level = chosen.get_attribute("value")
        person.send(form)
        assert page.url == f"{person.server}{round_path}#item-{item}"
        stored = page.locator(f"#item-{item} .rating")
        expect(stored.locator(".rationale")).to_have_text(
            f"{secret} item {item}: seen in the field"
        )
        expect(stored.locator(".rated .level-value")).to_have_text(str(level))
        stored_form = page.locator(f"#item-{item} {RATING_FORMS}")
        assert stored_form.locator("input[name=version]").input_value() == "1"
        assert stored_form.locator(f"input[name=level][value='{level}']").is_checked()


def record_joint(person: Person, round_path: str, item: int, choice: int | None) -> None:
    """The joint rating of ``item``: the ``choice``-th level, or disputed when None."""
    page = person.goto(round_path)
    form = page.locator(f"#item-{item} {JOINT_FORMS}")
    if choice is None:
        form.locator("input[name=choice][value=disputed]").click()
        form.locator("textarea[name=note]").fill("the parties read the evidence differently")
    else:
        form.locator("input[name=choice]:not([value=disputed])").nth(choice).click()
    person.send(form)
    assert page.url == f"{person.server}{round_path}#item-{item}"
    expect(page.locator(f"#item-{item} .joint")).to_be_visible()


def test_a_whole_round_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    people = {
        u: signed_in(browser, server, u)
        for u in ("us-co-chair", "iq-co-chair", "us-analyst", "iq-analyst", "us-observer")
    }
    us_chair, iq_chair = people["us-co-chair"], people["iq-co-chair"]
    us, iq, observer = people["us-analyst"], people["iq-analyst"], people["us-observer"]

    # 1. a co-chair opens a round from the rounds page
    page = us_chair.page
    opening = page.locator(f'form[action="{ROUNDS}"]')
    opening.locator("input[name=name]").fill("Browser round")
    opening.locator("input[name=as_of]").fill("2024-03-31")
    us_chair.send(opening)
    opened = re.fullmatch(rf"{re.escape(server)}/rounds/(\d+)", page.url)
    assert opened, page.url
    round_id = int(opened.group(1))
    round_path = f"/rounds/{round_id}"
    assert page.locator("h1").inner_text().startswith("Browser round")
    expect(page.locator(".facts time").first).to_have_text("2024-03-31")
    expect(page.locator(".badge.state-drafting")).to_have_count(1)
    assert "Browser round" in us.goto(ROUNDS).locator("table.rounds").inner_text()

    # 2. each party's analyst rates every item
    rate_every_item(us, round_path, US_SECRET, pick=2)
    rate_every_item(iq, round_path, IQ_SECRET, pick=0)
    old_form = us.goto(round_path).locator(RATING_FORMS).first
    old_action = old_form.get_attribute("action")
    old_csrf = old_form.locator("input[name=csrf]").input_value()
    assert old_action and old_csrf

    # 3. before submission, a party's drafts are its own
    for other, hidden in ((iq, US_SECRET), (observer, US_SECRET), (observer, IQ_SECRET)):
        content = other.goto(round_path).content()
        assert hidden not in content, other.username
    assert IQ_SECRET not in us.goto(round_path).content()
    assert observer.page.locator(RATING_FORMS).count() == 0
    assert observer.page.locator("textarea").count() == 0

    # 4. both co-chairs submit: the round is released, each party sees the other's ratings
    for chair in (us_chair, iq_chair):
        page = chair.goto(round_path)
        chair.send(page.locator('form[action$="/submit"]'))
        assert page.url == f"{server}{round_path}"
    page = iq_chair.page
    expect(page.locator(".badge.state-released")).to_have_count(1)
    assert US_SECRET in page.content() and IQ_SECRET in page.content()
    assert US_SECRET in observer.goto(round_path).content()
    assert iq.goto(round_path).locator(JOINT_FORMS).count() == 0  # analysts do not reconcile
    page.screenshot(path=tmp_path / "released.png", full_page=True)

    # 5. the co-chairs record the joint ratings, one disputed, and sign
    items = item_ids(page)
    assert page.locator(JOINT_FORMS).count() == len(items)
    for n, item in enumerate(items):
        record_joint(us_chair if n < 4 else iq_chair, round_path, item, None if n == 0 else 2)
    page = us_chair.goto(round_path)
    expect(page.locator(".joint")).to_have_count(len(items))
    expect(page.locator(".joint .state.unknown")).to_have_count(1)  # disputed
    expect(page.locator(f"#item-{items[0]} .joint .state.unknown")).to_have_count(1)
    joint_form = page.locator(JOINT_FORMS).last
    joint_action = joint_form.get_attribute("action")
    joint_fields = {
        name: joint_form.locator(f"input[type=hidden][name={name}]").input_value()
        for name in ("csrf", "round", "version")
    }
    for chair in (us_chair, iq_chair):
        page = chair.goto(round_path)
        chair.send(page.locator('form[action$="/sign"]'))
        assert page.url == f"{server}{round_path}"
    page = iq_chair.page  # the last to sign
    expect(page.locator(".badge.state-signed")).to_have_count(1)
    signatures = page.locator("table.signatures tbody tr")
    expect(signatures).to_have_count(2)
    signers = {row.locator("td").first.inner_text() for row in signatures.all()}
    assert signers == {"us-co-chair", "iq-co-chair"}
    heads = page.locator("table.signatures code.hash").all_inner_texts()
    assert len(heads) == 2 and heads[0] != heads[1]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in heads), heads
    page.screenshot(path=tmp_path / "signed.png", full_page=True)
    shown = us_chair.api(f"/rounds/{round_id}")
    assert shown["round"]["state"] == "signed"
    assert sorted(s["audit_head"] for s in shown["signatures"]) == sorted(heads)

    # 6. a signed round is read-only for everyone; an old form's post changes nothing
    for person in people.values():
        page = person.goto(round_path)
        expect(page.locator(".badge.state-signed")).to_have_count(1)
        assert page.locator("textarea").count() == 0, person.username
        assert page.locator(f"{RATING_FORMS} button[type=submit]").count() == 0
        assert page.locator(f"{JOINT_FORMS} button[type=submit]").count() == 0
        assert page.locator('form[action$="/submit"], form[action$="/sign"]').count() == 0
    assert us_chair.page.locator('form[action$="/amend"]').count() == 1  # only by amending
    before = us.api(f"/rounds/{round_id}")
    late = us.page.context.request.post(
        f"{server}{old_action}",
        form={
            "csrf": old_csrf,
            "level": "1",
            "confidence": "low",
            "rationale": LATE,
            "evidence": "",
            "version": "1",
        },
        max_redirects=0,
    )
    assert late.status in (403, 409), (late.status, late.text())
    late_joint = us_chair.page.context.request.post(
        f"{server}{joint_action}",
        form={**joint_fields, "choice": "disputed", "note": LATE},
        max_redirects=0,
    )
    assert late_joint.status in (403, 409), (late_joint.status, late_joint.text())
    assert us.api(f"/rounds/{round_id}") == before
    assert us_chair.api(f"/rounds/{round_id}")["items"] == before["items"]
    for person in (us, us_chair):
        assert LATE not in person.goto(round_path).content()
    ratings = [item["ratings"]["us"] for item in before["items"]]
    assert all(r["rationale"].startswith(US_SECRET) and r["version"] == 1 for r in ratings)

    # 7. the same round in Arabic, right to left
    page = iq_chair.goto(f"{round_path}?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    expect(page.locator("table.signatures tbody tr")).to_have_count(2)
    page.screenshot(path=tmp_path / "signed-ar.png", full_page=True)

    # 8. no console error, CSP violation, failed or refused request in any page
    assert {p.username: p.watched.problems for p in people.values()} == {u: [] for u in people}
