"""The dashboard's first screen in a real headless Chromium, as a co-chair opens it: every
phase × area with its state and when, and the map of the areas drawn, in English and in
Arabic; a keyboard path from the map's list to each area's row; no page-wide horizontal
scroll on a 390-pixel phone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from test_browser import Watched, browser, server

__all__ = ["browser", "server"]  # fixtures of test_browser, used here too

pytestmark = pytest.mark.browser

HMC = "/commissions/hmc-iraq-2024"
PIC = "/commissions/pic-iraq-2006?as_of=2007-06-30"
SCREEN = {"width": 1366, "height": 768}


def _opened(browser: Browser, server: str, path: str) -> Watched:
    watched = Watched(browser, server)
    watched.page.set_viewport_size(SCREEN)
    watched.sign_in_for(server, path)
    return watched


@pytest.mark.parametrize(
    ("lang", "states"),
    [("en", ("not held", "unknown")), ("ar", ("لم يتحقق", "غير معروف"))],
)
def test_the_first_screen_shows_each_phase_and_area_and_the_map(
    browser: Browser, server: str, lang: str, states: tuple[str, ...]
) -> None:
    path = HMC if lang == "en" else f"{HMC}?lang={lang}"
    watched = _opened(browser, server, path)
    page = watched.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    rows = page.locator(".glance-table tbody tr")
    expect(rows).to_have_count(5)  # the first phase in one row, then 2 phases × 2 areas
    for i in range(rows.count()):
        for part in (".state", "td.when"):
            cell = rows.nth(i).locator(part)
            expect(cell).to_be_visible()
            box = cell.bounding_box()
            assert box is not None and box["y"] < SCREEN["height"], (i, part)
    assert re.search(r"\d{4}-\d\d-\d\d", rows.nth(1).locator("td.when").inner_text())

    drawn = page.locator("[data-map] svg .mark-shape path")
    expect(drawn).to_have_count(18, timeout=30_000)  # every governorate's polygon
    chart = page.locator("[data-map]")
    expect(chart).to_have_attribute("role", "img")
    box = chart.bounding_box()
    assert box is not None and box["y"] + box["height"] <= SCREEN["height"]
    legend = page.locator("[data-map] svg").text_content() or ""
    listed = page.locator(".map-list").inner_text()
    for state in states:  # in the legend, and in the list of areas in words
        assert state in legend and state in listed, state
    assert watched.problems == []


def test_a_keyboard_reaches_each_area_s_row_from_the_map(browser: Browser, server: str) -> None:
    watched = _opened(browser, server, HMC)
    page = watched.page
    links = page.locator(".map-list a")
    expect(links).to_have_count(2)
    expect(page.locator(".map-list")).to_contain_text("Dohuk, Erbil, Sulaymaniyah")
    links.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#glance-transition-kurdistan-region$"))
    expect(page.locator("#glance-transition-kurdistan-region")).to_be_in_viewport()
    assert watched.problems == []


def test_a_later_date_draws_halabja_in_kurdistan(browser: Browser, server: str) -> None:
    watched = _opened(browser, server, f"{HMC}?as_of=2025-06-01")
    page = watched.page
    expect(page.locator(".map-list")).to_contain_text("Dohuk, Erbil, Halabja, Sulaymaniyah")
    expect(page.locator("[data-map] svg .mark-shape path")).to_have_count(18, timeout=30_000)
    assert watched.problems == []


@pytest.mark.parametrize("path", [HMC, f"{HMC}?lang=ar", PIC, f"{PIC}&lang=ar"])
def test_a_phone_has_no_page_wide_horizontal_scroll(
    browser: Browser, server: str, path: str
) -> None:
    watched = _opened(browser, server, path)
    page = watched.page
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("[data-map] svg .mark-shape path")).to_have_count(18, timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert watched.problems == []
