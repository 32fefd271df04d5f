"""The news review in a real headless Chromium: an analyst opens the review page, corrects an
item's governorate, accepts it, and finds the event on the event page with its report's
sentence and address as provenance; an observer reads the same report with no buttons.
The pages are also photographed at a desktop's and a phone's width, in both languages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.actor import Actor
from hmc.news.importing import import_news
from hmc.storage import get_engine, session_scope
from serving import serving
from test_browser import Watched, browser

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture of tests/test_browser.py: Debian's Chromium

REVIEW = "/commissions/hmc-iraq-2024/review"
ADDRESS = "https://example.org/browser-wire/1"
REPORT = """BAGHDAD, February 14, 2024 - Gunmen attacked a police checkpoint in Kirkuk on \
Tuesday, killing two policemen, police said. <script>document.title = "owned"</script>
"""
WIDTHS = (1366, 390)
SHOTS = os.environ.get("HMC_SCREENSHOTS")  # a folder: the pages are photographed into it


@pytest.fixture
def server(demo_copy: Engine, tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "browser-wire.txt"
    path.write_text(REPORT, encoding="utf-8")
    with session_scope(demo_copy) as session:
        import_news(session, path=path, actor=Actor.system("test"), outlet="Browser Wire",
                    url=ADDRESS)  # fmt: skip
    get_engine.cache_clear()  # the server's engine: this test's copy of the demo database
    with serving() as base:
        yield base


def signed_in(browser: Browser, server: str, username: str) -> Watched:
    watched = Watched(browser, server)
    page = watched.page
    page.goto(f"{server}/sign-in?next={REVIEW}")
    form = page.locator('form[action="/sign-in"]')
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.get_by_role("heading", name="News review", level=1)).to_be_visible()
    return watched


def open_report(page: Page) -> None:
    """From the review page, the Browser Wire report (awaiting review)."""
    row = page.locator("tr", has_text="Browser Wire")
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    expect(page.locator("mark").first).to_contain_text("Gunmen attacked a police checkpoint")


def test_an_analyst_corrects_and_accepts_an_event_and_an_observer_only_reads(
    server: str, browser: Browser
) -> None:
    analyst = signed_in(browser, server, "iq-analyst")
    page = analyst.page
    open_report(page)
    assert page.title() != "owned"  # the report's script is text, never run
    expect(page.locator(".report-text")).to_contain_text('<script>document.title = "owned"')
    form = page.locator("form.review").first
    form.get_by_label("Governorate").select_option("salah-al-din")
    with page.expect_navigation():
        form.get_by_role("button", name="Accept", exact=True).click()
    confirmation = page.get_by_role("status")
    expect(confirmation).to_contain_text("Decision recorded on item")
    expect(confirmation).to_contain_text("Edited and accepted")
    with page.expect_navigation():
        confirmation.get_by_role("link", name="Event").click()
    expect(page.locator("main")).to_contain_text("Gunmen attacked a police checkpoint")
    expect(page.locator("main")).to_contain_text("news-browser-wire")
    expect(page.get_by_role("link", name=ADDRESS)).to_be_visible()
    assert analyst.problems == []

    observer = signed_in(browser, server, "us-observer")
    open_report(observer.page)
    expect(observer.page.get_by_text("You may read the review queue")).to_be_visible()
    assert observer.page.locator("form.review, button[name=do], button[name=merge]").count() == 0
    assert observer.problems == []


def test_the_review_pages_read_at_a_desktops_and_a_phones_width(
    server: str, browser: Browser
) -> None:
    """No page is wider than the screen (nothing to scroll sideways to read), in English and
    Arabic; with HMC_SCREENSHOTS set, each is photographed there."""
    watched = signed_in(browser, server, "iq-analyst")
    page = watched.page
    open_report(page)
    report = page.url.split("?")[0].removeprefix(server)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in (REVIEW, report, "/commissions/hmc-iraq-2024/positions"):
            for lang in ("en", "ar"):
                page.goto(f"{server}{path}?lang={lang}")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if SHOTS:
                    name = f"{path.strip('/').replace('/', '-')}-{lang}-{width}.png"
                    page.screenshot(path=str(Path(SHOTS) / name), full_page=True)
                assert overflow <= 1, (path, lang, width, overflow)
    assert watched.problems == []
