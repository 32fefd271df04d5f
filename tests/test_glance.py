"""The transition at a glance: the dashboard's top, the state API and ``hmc status``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from conftest import sign_in
from hmc.app import create_app
from hmc.cli import app
from hmc.storage import get_engine

PIC = "/commissions/pic-iraq-2006"


@pytest.fixture
def client(demo_sessions: Engine) -> Iterator[TestClient]:
    get_engine.cache_clear()
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        sign_in(test_client)
        yield test_client


def _glance_text(html: str) -> str:
    start = html.index('<section class="glance"')
    part = html[start : html.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def _table_text(html: str) -> str:
    start = html.index('<table class="glance-table"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index("</table>", start)]).split())


def test_the_dashboard_opens_on_every_phase_and_area_with_when(client: TestClient) -> None:
    html = client.get("/").text
    assert html.index('<section class="glance"') < html.index('class="factor"')
    text = _glance_text(html)
    rows = _table_text(html)
    # the first phase, under way everywhere without a gate, is one row for all areas
    first = r"Coalition mission all 2 areas \S+ under way: the first phase"
    assert len(re.findall(first, rows)) == 1
    for phase in ("Transition", "Bilateral security partnership"):
        assert rows.count(phase) == 2, phase  # one row per area
    assert "Federal Iraq" in text and "Kurdistan Region" in text
    assert "under way: the first phase" in text
    # when, from the demo's stored run: a P50 with its P10–P90, and the chance by the date
    assert re.search(r"\d{4}-\d\d-\d\d \(\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d\)", text)
    assert re.search(r"\d+% by 2025-09-30", text)
    assert "beyond the horizon" in text
    assert "exercise ratings" in text
    assert "enters every area's gate with its nationwide value" in text.replace("&#39;", "'")


def test_a_gate_says_which_condition_fails_and_by_how_much(client: TestClient) -> None:
    text = _glance_text(client.get(PIC, params={"as_of": "2007-06-30"}).text)
    assert (
        "not held: Significant acts per week (4-week mean) ≤ 5 in only 7 of the 12 weeks required"
        in text
    )
    assert "held: every condition is met" in text
    # no run for that date, and this co-chair (of the other commission) may not compute one
    assert "not computed yet" in text
    assert 'id="glance-compute"' not in text


def test_a_co_chair_is_offered_to_compute_a_missing_run(client: TestClient) -> None:
    html = client.get("/", params={"as_of": "2024-01-20"}).text
    assert "not computed yet" in _glance_text(html)
    assert 'id="glance-compute"' in html


def test_the_dashboard_top_in_arabic(client: TestClient) -> None:
    text = _glance_text(client.get(PIC, params={"as_of": "2007-06-30", "lang": "ar"}).text)
    assert "المرحلة الانتقالية في لمحة" in text
    assert "غير متحققة:" in text
    assert "في 7 فقط من 12 أسبوعًا مطلوبًا" in text


def test_the_state_api_gives_each_phase_and_area(client: TestClient) -> None:
    body = client.get(f"/api{PIC}/state", params={"as_of": "2007-06-30"}).json()
    assert body["run_id"] is None
    rows = {(r["phase"], r["area"]): r for r in body["rows"]}
    assert len(rows) == 36
    dhi_qar = rows[("provincial-iraqi-control", "dhi-qar")]
    assert dhi_qar["held"] is False
    assert "in only 7 of the 12 weeks required" in dhi_qar["why"]
    sustained = dhi_qar["conditions"][0]
    assert (sustained["window"], sustained["weeks_met"], sustained["met"]) == (12, 7, False)
    assert dhi_qar["computed"] is False and dhi_qar["p50"] is None
    assert dhi_qar["evidence_until"] == "2007-06-18"
    schema = client.get("/openapi.json").json()
    assert "/api/commissions/{commission_id}/state" in schema["paths"]


def test_the_state_api_reads_the_stored_run(client: TestClient) -> None:
    body = client.get("/api/commissions/hmc-iraq-2024/state").json()
    assert body["run_id"] is not None
    transition = [r for r in body["rows"] if r["phase"] == "transition"]
    assert all(r["computed"] for r in transition)
    assert any(r["p50"] for r in transition)
    assert {r["by"] for r in transition if r["probability"] is not None}


def test_hmc_status_prints_the_glance_first(demo_engine: Engine) -> None:
    result = CliRunner().invoke(
        app, ["status", "--commission", "pic-iraq-2006", "--as-of", "2007-06-30"],
        env={"COLUMNS": "200"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("The transition at a glance") < out.index("as of 2007-06-30")
    assert "in only 7 of the 12 weeks required" in out
    assert "not computed yet" in out
