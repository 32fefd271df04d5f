"""The timeline page in a real headless Chromium: a member signs in, opens the page for a date
with no run yet, presses Compute, and sees the charts drawn and the scenarios side by side;
a custom scenario; the Arabic page right to left. No console error, no blocked script.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.storage import get_engine
from serving import serving
from test_browser import Watched, browser

__all__ = ["browser"]  # a fixture of test_browser, used here too

pytestmark = pytest.mark.browser

PAGE = "/commissions/hmc-iraq-2024/timeline"
AS_OF = "2024-01-20"  # a date the demonstration has no run for


@pytest.fixture
def server(demo_copy: Engine) -> Iterator[str]:
    get_engine.cache_clear()
    with serving() as base:
        yield base


def signed_in(browser: Browser, server: str, username: str) -> Watched:
    watched = Watched(browser, server)
    page = watched.page
    page.goto(f"{server}/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return watched


def charts_drawn(page: Page) -> int:
    """How many chart containers hold a drawn SVG, after waiting for them all."""
    containers = page.locator("[data-chart]")
    expect(containers.first.locator("svg")).to_be_visible()
    for i in range(containers.count()):
        expect(containers.nth(i).locator("svg")).to_be_attached()
    return containers.count()


def test_compute_then_see_the_charts_and_the_scenarios(browser: Browser, server: str) -> None:
    watched = signed_in(browser, server, "us-analyst")
    page = watched.page
    page.goto(f"{server}{PAGE}?as_of={AS_OF}")
    expect(page.locator("#run-state")).to_have_attribute("data-state", "missing")
    page.fill("input[name=paths]", "200")
    with page.expect_navigation():
        page.click("#compute")
    expect(page.locator("#run-state")).to_have_attribute("data-state", "current")
    assert page.url.endswith(f"{PAGE}?as_of={AS_OF}")
    assert charts_drawn(page) >= 12
    table = page.locator("#scenarios")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_count(6)  # phase, area, four scenarios

    page.select_option("select[name=phase]", "transition")
    page.select_option("select[name=by-federal-iraq]", "date")
    page.fill("input[name=date-federal-iraq]", "2025-09-30")
    with page.expect_navigation():
        page.click("#custom-form button[type=submit]")
    result = page.locator("#custom-result")
    expect(result).to_be_visible()
    expect(result.locator("tbody tr").first).to_contain_text("2025-10-05")
    assert watched.problems == []


def test_the_arabic_page_is_right_to_left_with_its_charts(browser: Browser, server: str) -> None:
    watched = signed_in(browser, server, "iq-observer")
    page = watched.page
    page.goto(f"{server}{PAGE}?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#compute")).to_have_count(0)
    assert charts_drawn(page) >= 12
    assert watched.problems == []
