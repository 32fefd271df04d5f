"""The timeline page as members see it, on a copy of the demo database: Compute, then the run
with when and from what it was made (or that it is stale, or missing), its charts, the
scenarios side by side, and a scenario of one's own; in English and in Arabic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from conftest import sign_in, use_database
from hmc.app import create_app
from test_timeline_api import IRAQ, PATHS, copied, on_copy, stale_after

__all__ = ["copied", "on_copy"]  # fixtures of test_timeline_api, used here too

PAGE = f"/commissions/{IRAQ}/timeline"
SPEC = re.compile(r'<script type="application/json" id="([^"]+)">(.*?)</script>', re.S)
Client = tuple[TestClient, str]


def new_client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture(scope="module")
def analyst(copied: str) -> Iterator[Client]:
    use_database(copied)
    with new_client() as client:
        yield client, sign_in(client, "us-analyst")


@pytest.fixture(scope="module")
def observer(copied: str) -> Iterator[Client]:
    use_database(copied)
    with new_client() as client:
        yield client, sign_in(client, "iq-observer")


def press_compute(member: Client, as_of: str = "2024-01-27", paths: str = str(PATHS)) -> str:
    """Send the Compute form as the page has it; the address it leads back to."""
    client, csrf = member
    done = client.post(PAGE, data={"csrf": csrf, "paths": paths, "as_of": as_of})
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


@pytest.fixture(scope="module")
def computed(analyst: Client) -> str:
    return press_compute(analyst)


def state(html: str) -> str:
    found = re.search(r'id="run-state" data-state="(\w+)"', html)
    assert found, html
    return found.group(1)


def test_compute_leads_back_to_the_page_showing_the_run(analyst: Client, computed: str) -> None:
    assert computed == f"{PAGE}?as_of=2024-01-27"
    html = analyst[0].get(computed).text
    assert state(html) == "current"
    assert "by us-analyst with 200 sample paths, from framework version 1" in html
    assert "STALE" not in html
    for name in ("As configured", "Conditions only", "Joint statement of 27 September 2024"):
        assert f"<bdi>{name}</bdi>" in html
    assert "conditions not met on the date" in html and "resurgence risk" in html
    assert 'id="sensitivity"' in html and "Binding constraint" in html


def test_every_chart_has_a_vega_lite_spec(analyst: Client, computed: str) -> None:
    html = analyst[0].get(computed).text
    specs = {name: json.loads(text) for name, text in SPEC.findall(html)}
    containers = re.findall(r'data-chart="([^"]+)"', html)
    assert sorted(containers) == sorted(specs)
    curves = [n for n in specs if n.startswith("curve-")]
    fans = [n for n in specs if n.startswith("fan-")]
    assert len(curves) == 2  # transition, bilateral partnership: the first phase has begun
    assert len(fans) >= 10  # every indicator with values or a forecast
    band = specs[fans[0]]["layer"][0]
    assert band["mark"]["type"] == "area" and band["encoding"]["y2"] == {"field": "high"}
    assert "no forecast" in html  # battle deaths: no values in the demonstration data


def test_a_date_never_computed_says_so_and_offers_compute(analyst: Client) -> None:
    html = analyst[0].get(PAGE, params={"as_of": "2023-06-01"}).text
    assert state(html) == "missing"
    assert "No timeline has been computed for this date yet." in html
    assert '<input type="hidden" name="as_of" value="2023-06-01">' in html
    assert 'id="compute"' in html and 'id="scenarios"' not in html


def test_an_observer_reads_but_cannot_compute(observer: Client, computed: str) -> None:
    client, csrf = observer
    html = client.get(PAGE).text
    assert state(html) == "current" and 'id="scenarios"' in html
    assert 'id="compute"' not in html
    assert "Co-chairs, members and analysts of a party compute timelines." in html
    refused = client.post(PAGE, data={"csrf": csrf, "paths": str(PATHS)})
    assert refused.status_code == 403


def test_nobody_signed_in_is_sent_to_sign_in(copied: str) -> None:
    with new_client() as client:
        page = client.get(PAGE)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/sign-in?next=")
        assert client.post(PAGE, data={"paths": str(PATHS)}).status_code == 401


def test_a_custom_scenario_is_shown_with_what_was_typed(observer: Client) -> None:
    asked = {
        "phase": "transition",
        "by-federal-iraq": "date",
        "date-federal-iraq": "2025-09-30",
        "by-kurdistan-region": "conditions",
    }
    html = observer[0].get(PAGE, params=asked).text
    result = html.split('id="custom-result"')[1]
    assert '<time datetime="2025-10-05" dir="ltr">2025-10-05</time>' in result
    assert "fixed date" in result and "conditions only" in result
    assert '<option value="date" selected>' in html
    assert 'name="date-federal-iraq" value="2025-09-30"' in html


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ({"by-federal-iraq": "date"}, "area federal-iraq is decided by date: give its date"),
        ({"by-federal-iraq": "soon"}, "is not a rule"),
        ({"by-federal-iraq": "date", "date-federal-iraq": "2025-02-30"}, "not a valid date"),
        ({"phase": "nowhere"}, "no phase"),
    ],
)
def test_a_custom_scenario_that_cannot_be_projected_says_why(
    observer: Client, asked: dict[str, str], said: str
) -> None:
    answer = observer[0].get(PAGE, params={"phase": "transition", **asked})
    assert answer.status_code == 422
    assert "Not projected:" in answer.text and said in answer.text


@pytest.mark.parametrize(
    ("as_of", "paths", "said"),
    [
        ("2024-01-27", "many", "paths must be a whole number"),
        ("2024-01-27", "5", "paths must be from 100 to 10000"),
        ("2024-02-30", "200", "not a valid date"),
    ],
)
def test_a_compute_form_with_bad_input_says_why(
    analyst: Client, as_of: str, paths: str, said: str
) -> None:
    client, csrf = analyst
    answer = client.post(PAGE, data={"csrf": csrf, "paths": paths, "as_of": as_of})
    assert answer.status_code == 422
    assert "Not computed:" in answer.text and said in answer.text


def test_a_bad_date_in_the_address_is_a_422_page(analyst: Client) -> None:
    assert analyst[0].get(PAGE, params={"as_of": "2024-02-30"}).status_code == 422


def test_the_arabic_page_is_right_to_left(observer: Client, computed: str) -> None:
    html = observer[0].get(PAGE, params={"lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in html
    assert "السيناريوهات جنبًا إلى جنب" in html and "Scenarios side by side" not in html
    assert f'href="{PAGE}?lang=ar">الجدول الزمني</a>' in html  # the navigation's link


def test_the_navigation_links_to_the_timeline(observer: Client) -> None:
    html = observer[0].get(f"/commissions/{IRAQ}").text
    assert f'<a href="{PAGE}">Timeline</a>' in html


@pytest.mark.parametrize(
    ("change", "said"),
    [("import", "evidence was imported"), ("framework", "the framework was loaded anew")],
)
def test_a_run_is_shown_stale_after_a_change(
    demo_copy: Engine, tmp_path: Path, change: str, said: str
) -> None:
    with new_client() as client:
        member = (client, sign_in(client, "us-member"))
        press_compute(member)
        assert state(client.get(PAGE).text) == "current"
        stale_after(change, demo_copy, tmp_path)
        html = client.get(PAGE).text
        assert state(html) == "stale" and "STALE" in html
        assert "This timeline is stale." in html and said in html
        press_compute(member)
        assert state(client.get(PAGE).text) == "current"
