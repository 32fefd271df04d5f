"""A working meeting in a real headless Chromium, as the co-chairs run it.

The US co-chair schedules a meeting from the meetings page; its agenda shows the divergence
the exercise round flagged; the co-chair proposes a decision and approves it, the Iraqi
co-chair approves it in a browser of their own, and it stands; the calendar file downloads;
the Arabic page is laid out right to left.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.storage import get_engine
from serving import serving
from test_browser import ARGS, CHROMIUM, Watched

pytestmark = pytest.mark.browser

MEETINGS = "/commissions/hmc-iraq-2024/meetings"
# The left and right edges of an element's words (its box spans the whole line).
TEXT_BOX = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const box = range.getBoundingClientRect();
  return [box.left, box.right];
}"""
DECISION = "BROWSER-DECISION: the parties review the intelligence rating together."


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


def signed_in(browser: Browser, server: str, username: str, path: str) -> Watched:
    """``username`` signed in through the sign-in page (a context of their own), on ``path``."""
    watched = Watched(browser, server)
    page = watched.page
    page.goto(f"{server}/sign-in?next={path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click('form[action="/sign-in"] button[type=submit]')
    assert page.url.startswith(f"{server}{path}"), page.url
    return watched


def press(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def test_a_meeting_from_scheduling_to_a_standing_decision(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    us = signed_in(browser, server, "us-co-chair", MEETINGS)
    page = us.page
    form = page.locator(f'form[action="{MEETINGS}"]')
    form.locator("input[name=title]").fill("Browser meeting")
    form.locator("input[name=day]").fill("2024-01-24")  # before the exercise meeting: first
    form.locator("input[name=start]").fill("09:30")
    form.locator("input[name=place]").fill("Baghdad")
    form.locator("select[name=format]").select_option("hybrid")
    press(page, f'form[action="{MEETINGS}"] button[type=submit]')
    expect(page.locator("h1")).to_have_text("Browser meeting")
    meeting = page.url.removeprefix(f"{server}/meetings/")
    flagged = page.locator('li.agenda-item[data-kind="divergence"]')
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("Intelligence and ISR")
    expect(flagged.locator("a.evidence-link")).to_have_attribute("href", "/rounds/1/divergence")

    page.fill("form.propose textarea[name=text]", DECISION)
    page.select_option("form.propose select[name=phase]", "transition")
    press(page, "form.propose button[type=submit]")
    decision = page.locator("article.decision").filter(has_text=DECISION)
    expect(decision).to_contain_text("Proposed")
    press(page, f"{decision_form(decision)} button[type=submit]")
    expect(page.locator("article.decision").filter(has_text=DECISION)).to_contain_text("Proposed")

    iq = signed_in(browser, server, "iq-co-chair", f"/meetings/{meeting}")
    other = iq.page
    mine = other.locator("article.decision").filter(has_text=DECISION)
    press(other, f"{decision_form(mine)} button[type=submit]")
    stood = other.locator("article.decision").filter(has_text=DECISION)
    expect(stood).to_contain_text("Stands")
    expect(stood.locator("form")).to_have_count(0)

    with page.expect_download() as done:
        page.click("a.ics")
    saved = tmp_path / "meetings.ics"
    done.value.save_as(saved)
    summaries = {str(e["summary"]) for e in Calendar.from_ical(saved.read_bytes()).walk("VEVENT")}
    assert "Browser meeting" in summaries
    assert us.problems == [] and iq.problems == []


def decision_form(article: object) -> str:
    """The approve form's selector of a decision's article."""
    ident = article.get_attribute("id")  # type: ignore[attr-defined]
    return f"#{ident} form"


def test_the_arabic_meeting_page_is_right_to_left(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    watched = signed_in(browser, server, "iq-observer", "/meetings/1?lang=ar")
    page = watched.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#agenda-h")).to_have_text("جدول الأعمال")
    shot = tmp_path / "meeting-ar.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    width = page.viewport_size["width"] if page.viewport_size else 1280
    left, right = page.locator("#agenda-h").evaluate(TEXT_BOX)
    assert width - right < 120, (left, right)  # the heading's words start at the right
    assert left > width / 2  # and, short, stay in the right half
    page.screenshot(path=str(tmp_path / "meeting-ar-top.png"))
    minutes = page.locator("div.minutes p").first
    expect(minutes).to_have_attribute("dir", "ltr")  # written in English, shown as written
    assert watched.problems == []
