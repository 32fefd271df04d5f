"""The dashboard in a real headless Chromium: charts drawn, gates readable, the date form works.

Every page needs a signed-in member: each test first asks for its page, is sent to the
sign-in form, signs in there and is brought back to the page it asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.storage import get_engine
from serving import serving

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PIC = "/commissions/pic-iraq-2006"


@pytest.fixture
def server(demo_sessions: Engine) -> Iterator[str]:
    """The real app served by uvicorn on a free local port, as ``hmc serve`` serves it."""
    get_engine.cache_clear()
    with serving() as base:
        yield base


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "needs Debian's chromium: 'make test' installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class Watched:
    """A page whose console errors (a CSP violation is one), uncaught exceptions, failed
    requests and requests to any other server are recorded."""

    def __init__(self, browser: Browser, server: str) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((f"{server}/", "data:"))
                else self.problems.append(f"elsewhere: {r.url}")
            ),
        )
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.favicon = f"{server}/static/favicon.svg"
        self.page.on("requestfailed", self._failed)
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
        )

    def _failed(self, request: Request) -> None:
        """A failed request is a problem, but for the icon Chromium asks for after the load
        event: going on to the next page at once cancels it, which is no problem of the page."""
        if request.url != self.favicon or request.failure != "net::ERR_ABORTED":
            self.problems.append(f"failed: {request.url}")

    def sign_in_for(self, server: str, path: str, username: str = "us-co-chair") -> None:
        """Ask for ``path``, sign in on the form it leads to, and be back on ``path``."""
        self.page.goto(f"{server}{path}")
        assert "/sign-in?" in self.page.url
        self.page.locator('input[name="username"]').fill(username)
        self.page.locator('input[name="password"]').fill(DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.locator('form[action="/sign-in"] button[type="submit"]').click()
        assert self.page.url == f"{server}{path}"

    def charts_drawn(self) -> int:
        """Wait until every trend chart has its SVG; return how many there are."""
        charts = self.page.locator("[data-chart]").count()
        drawn = self.page.locator("[data-chart] svg.marks")
        expect(drawn).to_have_count(charts, timeout=30_000)
        return charts

    def gate_state(self, area: str, table: int = 0) -> str:
        """The visible state of ``area``'s gate, as a user reads it."""
        row = self.page.locator("table.gates").nth(table).locator("tbody tr", has_text=area)
        return " ".join(row.locator("td").first.inner_text().split())


def test_dashboard_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    watched = Watched(browser, server)
    page = watched.page
    watched.sign_in_for(server, f"{PIC}?as_of=2007-06-30")
    assert watched.charts_drawn() == 3
    assert page.locator("h1").inner_text() == "Provincial Iraqi Control, 2006–2008"
    assert watched.gate_state("Muthanna") == "✓ held"
    assert watched.gate_state("Baghdad") == "✗ not held"
    assert watched.gate_state("Dhi Qar") == "✗ not held"
    assert page.locator("table.gates tbody tr").count() == 18
    assert page.locator("table.areas tbody tr").count() == 18
    page.screenshot(path=tmp_path / "pic-2007-06-30.png", full_page=True)

    # a tooltip, styled by hmc.css: under the CSP, vega-tooltip may inject no style of its own
    page.locator("[data-chart] .mark-symbol path").last.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element.visible")
    assert "week of" in tooltip.inner_text()
    assert tooltip.evaluate("e => getComputedStyle(e).position") == "fixed"

    page.fill("#as_of", "2008-09-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.url.endswith(f"{PIC}?as_of=2008-09-30")
    assert watched.charts_drawn() == 3
    assert page.locator(".facts time").first.inner_text() == "2008-09-30"
    assert watched.gate_state("Dhi Qar") == "✓ held"
    assert watched.gate_state("Baghdad") == "✗ not held"
    summary = " ".join(page.locator(".summary").inner_text().split())
    assert summary == "Provincial Iraqi Control: ✓ 9 held ✗ 9 not held ? 0 unknown"
    page.screenshot(path=tmp_path / "pic-2008-09-30.png", full_page=True)
    assert watched.problems == []


def test_arabic_dashboard_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    watched = Watched(browser, server)
    page = watched.page
    watched.sign_in_for(server, f"{PIC}?as_of=2007-06-30&lang=ar")
    assert watched.charts_drawn() == 3
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert watched.gate_state("المثنى") == "✓ تحقق"
    page.screenshot(path=tmp_path / "pic-ar.png", full_page=True)
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert watched.charts_drawn() == 3
    assert watched.problems == []


def test_default_dashboard_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    watched = Watched(browser, server)
    page = watched.page
    watched.sign_in_for(server, "/?as_of=2024-01-24")  # before the exercise round was signed
    watched.charts_drawn()
    assert page.locator("h1").inner_text() == "US–Iraq Higher Military Commission"
    rated = page.locator("table.indicators tbody tr", has_text="Counter-terrorism")
    assert "no data — not yet rated" in rated.inner_text()
    page.get_by_role("link", name="Provincial Iraqi Control, 2006–2008").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{PIC}?as_of=2024-01-24")
    page.screenshot(path=tmp_path / "hmc.png", full_page=True)
    assert watched.problems == []


def test_api_docs_in_chromium_with_no_network(server: str, browser: Browser) -> None:
    """Swagger UI from hmc's own files, under the same Content-Security-Policy."""
    watched = Watched(browser, server)
    page = watched.page
    watched.sign_in_for(server, "/docs")
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for(timeout=30_000)
    paths = {" ".join(p.split()) for p in operations.all_inner_texts()}
    assert "/api/commissions" in paths
    assert "/api/commissions/{commission_id}/status" in {p.replace("\u200b", "") for p in paths}
    assert "hmc" in page.locator(".title").first.inner_text()
    assert watched.problems == []
