"""The dashboard in a real headless Chromium: charts drawn, gates readable, the date form works."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine

from hmc.api.app import create_app

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
def server(demo_engine: Engine) -> Iterator[str]:
    """The real app served by uvicorn on a free local port, in a background thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(), log_level="warning", ws="none", lifespan="off")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "needs Debian's chromium: 'make test' installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


class Watched:
    """A page whose console errors, uncaught exceptions and failed requests are recorded."""

    def __init__(self, browser: Browser) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on(
            "response",
            lambda r: self.problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
        )

    def charts_drawn(self) -> int:
        """Wait until every trend chart has its SVG; return how many there are."""
        self.page.wait_for_function(
            "[...document.querySelectorAll('[data-chart]')]"
            ".every(e => e.querySelector('svg.marks'))",
            timeout=30_000,
        )
        return self.page.locator("[data-chart] svg.marks").count()

    def gate_state(self, area: str, table: int = 0) -> str:
        """The visible state of ``area``'s gate, as a user reads it."""
        row = self.page.locator("table.gates").nth(table).locator("tbody tr", has_text=area)
        return " ".join(row.locator("td").first.inner_text().split())


def test_dashboard_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{server}{PIC}?as_of=2007-06-30")
    assert watched.charts_drawn() == 3
    assert page.locator("h1").inner_text() == "Provincial Iraqi Control, 2006–2008"
    assert watched.gate_state("Muthanna") == "✓ held"
    assert watched.gate_state("Baghdad") == "✗ not held"
    assert watched.gate_state("Dhi Qar") == "✗ not held"
    assert page.locator("table.gates tbody tr").count() == 18
    assert page.locator("table.areas tbody tr").count() == 18
    page.screenshot(path=tmp_path / "pic-2007-06-30.png", full_page=True)

    page.fill("#as_of", "2008-09-30")
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    assert page.url.endswith(f"{PIC}?as_of=2008-09-30")
    assert watched.charts_drawn() == 3
    assert page.locator(".facts time").inner_text() == "2008-09-30"
    assert watched.gate_state("Dhi Qar") == "✓ held"
    assert watched.gate_state("Baghdad") == "✗ not held"
    summary = " ".join(page.locator(".summary").inner_text().split())
    assert summary == "Provincial Iraqi Control: ✓ 9 held ✗ 9 not held ? 0 unknown"
    page.screenshot(path=tmp_path / "pic-2008-09-30.png", full_page=True)
    assert watched.problems == []


def test_arabic_dashboard_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{server}{PIC}?as_of=2007-06-30&lang=ar")
    assert watched.charts_drawn() == 3
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert watched.gate_state("Muthanna") == "✓ تحقق"
    page.screenshot(path=tmp_path / "pic-ar.png", full_page=True)
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert watched.charts_drawn() == 3
    assert watched.problems == []


def test_default_dashboard_in_chromium(server: str, browser: Browser, tmp_path: Path) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{server}/?as_of=2024-01-31")
    watched.charts_drawn()
    assert page.locator("h1").inner_text() == "US–Iraq Higher Military Commission"
    rated = page.locator("table.indicators tbody tr", has_text="Counter-terrorism")
    assert "no data — not yet rated" in rated.inner_text()
    page.get_by_role("link", name="Provincial Iraqi Control, 2006–2008").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{PIC}?as_of=2024-01-31")
    page.screenshot(path=tmp_path / "hmc.png", full_page=True)
    assert watched.problems == []
