"""The joint report from the dashboard in a real headless Chromium: a member chooses Arabic,
presses the button, and gets the PDF, with the commission's Arabic name and the audit head."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from hmc.audit.service import head
from hmc.storage import session_scope
from test_browser import Watched, browser
from test_report import pages
from test_timeline_browser import server

__all__ = ["browser", "server"]  # fixtures of the other browser tests, used here too

pytestmark = pytest.mark.browser

DASHBOARD = "/commissions/hmc-iraq-2024"
ARABIC_NAME = "اللجنة العسكرية العليا بين الولايات المتحدة والعراق"


def test_choose_arabic_and_download_the_report(
    browser: Browser, server: str, demo_copy: Engine
) -> None:
    watched = Watched(browser, server)
    watched.sign_in_for(server, DASHBOARD)
    page = watched.page
    page.select_option("#report-lang", "ar")
    with page.expect_download(timeout=120_000) as started:
        page.click("form.report button[type=submit]")
    download = started.value
    assert download.suggested_filename == "hmc-iraq-2024-report-2024-01-27-ar.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    with session_scope(demo_copy) as session:
        held = head(session)  # downloading wrote nothing: the head the report was made with
    text = pages(pdf)
    assert ARABIC_NAME in text[0]
    assert held in text[-1]
    assert "Joint report" not in " ".join(text)
    # Chromium ends the navigation that became a download as aborted: that, and nothing else
    assert watched.problems in ([], [f"failed: {download.url}"])
