"""A working meeting in a real headless Chromium, as the co-chairs run it.

In English and in Arabic: the US co-chair schedules a meeting from the meetings page; its
agenda shows the divergence the exercise round flagged; the co-chair proposes a decision in
the page's language and approves it, the Iraqi co-chair approves it in a browser of their
own, and it stands; the calendar file downloads; the joint report from the dashboard carries
the decision. The Arabic page is laid out right to left.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.locale import direction, translate
from hmc.storage import get_engine
from hmc.web.render import here
from serving import serving
from test_browser import ARGS, CHROMIUM, Watched
from test_report import pages

pytestmark = pytest.mark.browser

MEETINGS = "/commissions/hmc-iraq-2024/meetings"
# The left and right edges of an element's words (its box spans the whole line).
TEXT_BOX = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const box = range.getBoundingClientRect();
  return [box.left, box.right];
}"""
DASHBOARD = "/commissions/hmc-iraq-2024"
# What a co-chair types in each language: the meeting's title and a decision (the Arabic one
# without a closing full stop, which the PDF's extracted text moves to the run's other side).
TYPED = {
    "en": ("Browser meeting", "BROWSER-DECISION: the parties review the intelligence rating."),
    "ar": ("اجتماع المتصفح", "قرار المتصفح: يراجع الطرفان تقدير الاستخبارات معا"),
}
AREA = {
    "en": "Intelligence and ISR",
    "ar": "الاستخبارات والاستطلاع",
}  # the area the exercise round flagged


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


def signed_in(browser: Browser, server: str, username: str, path: str, lang: str = "en") -> Watched:
    """``username`` signed in through the sign-in page in ``lang`` (a context of their own),
    on ``path``."""
    watched = Watched(browser, server)
    page = watched.page
    page.goto(f"{server}/sign-in?{urlencode({'lang': lang, 'next': path})}")
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


def in_language(page: Page, lang: str) -> None:
    """The page is in ``lang``, laid out in its direction."""
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction(lang))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_meeting_from_scheduling_to_the_report(
    browser: Browser, server: str, tmp_path: Path, lang: str
) -> None:
    title, text = TYPED[lang]
    query = here("", lang)
    us = signed_in(browser, server, "us-co-chair", MEETINGS + query, lang)
    page = us.page
    in_language(page, lang)
    form = page.locator(f'form[action="{MEETINGS}"]')
    expect(form.locator("button[type=submit]")).to_have_text(translate(lang, "schedule_meeting"))
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=day]").fill("2024-01-24")  # before the exercise meeting: first
    form.locator("input[name=start]").fill("09:30")
    form.locator("input[name=place]").fill("Baghdad")
    form.locator("select[name=format]").select_option("hybrid")
    press(page, f'form[action="{MEETINGS}"] button[type=submit]')
    in_language(page, lang)
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("h1")).to_have_attribute("dir", direction(lang))
    meeting = page.url.removeprefix(f"{server}/meetings/").removesuffix(query)
    assert meeting.isdigit(), page.url
    flagged = page.locator('li.agenda-item[data-kind="divergence"]')
    expect(flagged).to_have_count(1)
    expect(flagged.locator(".badge")).to_have_text(translate(lang, "agenda_divergence"))
    expect(flagged).to_contain_text(AREA[lang])
    link = flagged.locator("a.evidence-link")
    expect(link).to_have_text(translate(lang, "see_evidence"))
    expect(link).to_have_attribute("href", "/rounds/1/divergence")

    propose = page.locator("form.propose")
    expect(propose.locator("button[type=submit]")).to_have_text(translate(lang, "propose_decision"))
    propose.locator("textarea[name=text]").fill(text)
    propose.locator("select[name=phase]").select_option("transition")
    press(page, "form.propose button[type=submit]")
    in_language(page, lang)
    decision = page.locator("article.decision").filter(has_text=text)
    expect(decision.locator(".badge")).to_have_text(translate(lang, "decision_proposed"))
    said = decision.locator("p.decision-text")
    expect(said).to_have_attribute("lang", lang)  # stored in the language it was written in
    expect(said).to_have_attribute("dir", direction(lang))
    approve = f"{decision_form(decision)} button[type=submit]"
    expect(page.locator(approve)).to_have_text(translate(lang, "approve_decision"))
    press(page, approve)
    in_language(page, lang)
    decision = page.locator("article.decision").filter(has_text=text)
    expect(decision.locator(".badge")).to_have_text(translate(lang, "decision_proposed"))

    iq = signed_in(browser, server, "iq-co-chair", f"/meetings/{meeting}{query}", lang)
    other = iq.page
    in_language(other, lang)
    mine = other.locator("article.decision").filter(has_text=text)
    press(other, f"{decision_form(mine)} button[type=submit]")
    in_language(other, lang)
    stood = other.locator("article.decision").filter(has_text=text)
    expect(stood.locator(".badge")).to_have_text(translate(lang, "decision_stands"))
    expect(stood.locator("form")).to_have_count(0)

    page.goto(f"{server}{MEETINGS}{query}")
    ics = page.locator("a.ics")
    expect(ics).to_have_text(translate(lang, "calendar_file"))
    with page.expect_download() as done:
        ics.click()
    saved = tmp_path / "meetings.ics"
    done.value.save_as(saved)
    summaries = {str(e["summary"]) for e in Calendar.from_ical(saved.read_bytes()).walk("VEVENT")}
    assert title in summaries

    page.goto(f"{server}{DASHBOARD}{query}")
    in_language(page, lang)
    expect(page.locator("#report-lang")).to_have_value(lang)  # the page's language, chosen
    button = page.locator("form.report button[type=submit]")
    expect(button).to_have_text(translate(lang, "report_button"))
    with page.expect_download(timeout=120_000) as started:
        button.click()
    report = started.value
    assert report.suggested_filename.endswith(f"-{lang}.pdf")
    words = " ".join(pages(Path(report.path()).read_bytes()))
    written = " ".join(unicodedata.normalize("NFKC", text).split())
    assert written in words or written[::-1] in words  # pypdf may reverse a right-to-left run
    assert us.problems in ([], [f"failed: {report.url}"])  # the download's aborted navigation
    assert iq.problems == []


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
