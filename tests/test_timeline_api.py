"""The timeline through the JSON API, on a copy of the demo database: a run computed once per
module (200 paths) and read back; who may compute; a run that goes stale when evidence or the
framework changes; a custom scenario; a backtest; bad input answered 4xx, never 500.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from conftest import sign_in, use_database
from hmc.actor import Actor
from hmc.app import create_app
from hmc.evidence.service import import_file
from hmc.framework.service import load_commission
from hmc.storage import session_scope
from test_rounds_api import Api, tokens_for

IRAQ = "hmc-iraq-2024"
TIMELINE = f"/api/commissions/{IRAQ}/timeline"
SCENARIO = f"/api/commissions/{IRAQ}/scenario"
BACKTEST = f"/api/commissions/{IRAQ}/backtest"
CONFIG = Path(__file__).parents[1] / "src" / "hmc" / "commissions" / f"{IRAQ}.toml"
UCDP = Path(__file__).parent / "data" / "ucdp_weekly_battle_deaths_handwritten.csv"
TESTER = Actor.system("tests")
PATHS = 200


@pytest.fixture(scope="module")
def copied(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a copy of the demo database for this module's tests."""
    copy = tmp_path_factory.mktemp("timeline") / "hmc.db"
    with closing(sqlite3.connect(demo_db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    url = f"sqlite:///{copy}"
    use_database(url)
    return url


@pytest.fixture(autouse=True)
def on_copy(copied: str) -> None:
    """hmc pointed at the module's copy (a test of its own copy points it elsewhere)."""
    use_database(copied)


@pytest.fixture(scope="module")
def api(copied: str) -> Iterator[Api]:
    engine = use_database(copied)
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield Api(client, tokens_for(engine))


@pytest.fixture(scope="module")
def computed(api: Api) -> Any:
    """The run an analyst computed (and the API answered)."""
    return api.ok("POST", TIMELINE, "us-analyst", 201, json={"paths": PATHS})


def test_a_computed_run_is_read_back_as_current(api: Api, computed: Any) -> None:
    assert computed["current"] is True and computed["paths"] == PATHS
    assert computed["commission"] == IRAQ and computed["as_of"] == "2024-01-27"
    assert computed["computed_by"].startswith("member:")
    assert set(computed["made_from"]) == {"framework", "data", "assessment"}
    scenarios = [s["id"] for s in computed["scenarios"]]
    assert scenarios == ["configured", "conditions", "fixed-date", "joint-statement"]
    horizon = computed["horizon"]
    assert all(len(t["p50"]) == horizon for t in computed["tracks"])
    read = api.ok("GET", TIMELINE, "iq-observer")
    assert read == computed
    assert api.ok("GET", f"{TIMELINE}?as_of=2024-01-27", "us-member")["id"] == computed["id"]


def test_a_date_never_computed_is_a_404_that_says_so(api: Api) -> None:
    answer = api("GET", f"{TIMELINE}?as_of=2023-06-01", "us-member")
    assert answer.status_code == 404
    message = answer.json()["error"]["message"]
    assert "no timeline was computed" in message and "2023-06-01" in message


@pytest.mark.parametrize("who", ["us-observer", "iq-observer", "admin"])
def test_observers_and_administrators_read_but_do_not_compute(
    api: Api, computed: Any, who: str
) -> None:
    refused = api("POST", TIMELINE, who, json={"paths": PATHS})
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "forbidden"
    assert api.ok("GET", TIMELINE, who)["id"] == computed["id"]


def test_nobody_signed_in_gets_a_401(api: Api) -> None:
    for method, url in [
        ("GET", TIMELINE),
        ("POST", TIMELINE),
        ("GET", f"{SCENARIO}?phase=transition&by=federal-iraq:conditions"),
        ("GET", f"{BACKTEST}?indicator=isis_incidents"),
    ]:
        answer = api.client.request(method, url)
        assert answer.status_code == 401, (method, url)
        assert answer.json()["error"]["code"] == "not_signed_in"


def test_a_browser_session_computes_with_its_csrf_token_only(copied: str) -> None:
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        csrf = sign_in(client, "iq-co-chair")
        without = client.post(TIMELINE, json={"paths": PATHS})
        assert without.status_code == 403 and "CSRF" in without.text
        done = client.post(TIMELINE, json={"paths": PATHS}, headers={"X-CSRF-Token": csrf})
        assert done.status_code == 201, done.text


@pytest.mark.parametrize(
    "body",
    [{"paths": 99}, {"paths": 10_001}, {"paths": "300"}, {"as_of": "2024-02-30"}, {"seed": 1}],
)
def test_a_bad_body_is_a_422(api: Api, body: dict[str, Any]) -> None:
    answer = api("POST", TIMELINE, "us-analyst", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid_request"


def test_a_custom_scenario_matches_the_configured_one_of_the_same_rules(
    api: Api, computed: Any
) -> None:
    query = (
        f"phase=transition&by=federal-iraq:date&by=Kurdistan-Region:date&paths={PATHS}"
        "&date=federal-iraq:2025-09-30&date=kurdistan-region:2025-09-30"
    )
    found = api.ok("GET", f"{SCENARIO}?{query}", "iq-observer")
    assert found["scenario"]["id"] == "custom" and found["paths"] == PATHS
    assert found["scenario"]["rules"] == {
        "transition/federal-iraq": "2025-09-30",
        "transition/kurdistan-region": "2025-09-30",
    }
    fixed = next(s for s in computed["scenarios"] if s["id"] == "fixed-date")
    assert found["scenario"]["timeline"] == fixed["timeline"]  # same paths, same seed
    federal = found["scenario"]["timeline"][0]
    assert (federal["rule"], federal["p50"]) == ("date", "2025-10-05")  # that week's Sunday
    assert federal["not_met_on_date"] is not None and federal["resurgence"] is not None


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("phase=transition", 422),  # no rule
        ("phase=transition&by=federal-iraq", 422),
        ("phase=transition&by=federal-iraq:sometime", 422),
        ("phase=transition&by=federal-iraq:date", 422),  # no date
        ("phase=transition&by=federal-iraq:date&date=federal-iraq:2025-02-30", 422),
        ("phase=transition&by=federal-iraq:gate&by=federal-iraq:date", 422),
        ("phase=transition&by=baghdad:gate", 404),
        ("phase=nowhere&by=federal-iraq:gate", 404),
        ("phase=transition&by=federal-iraq:gate&paths=50", 422),
        ("phase=transition&by=federal-iraq:gate&as_of=2024-13-01", 422),
        ("phase=" + "x" * 500 + "&by=federal-iraq:gate", 422),
    ],
)
def test_a_bad_scenario_is_answered_4xx_with_a_message(api: Api, query: str, status: int) -> None:
    answer = api("GET", f"{SCENARIO}?{query}", "us-member")
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["message"]


def test_a_backtest_scores_every_model_and_the_rule(api: Api) -> None:
    url = "/api/commissions/pic-iraq-2006/backtest?indicator=sigacts&area=Anbar&paths=100"
    found = api.ok("GET", url, "us-observer")
    assert (found["indicator"], found["area"], found["as_of"]) == ("sigacts", "anbar", "2007-06-30")
    assert found["weeks"] > 52 and found["origins"] > 0
    models = {s["model"] for s in found["scores"]}
    assert "selected" in models and len(models) > 2
    assert {s["horizon"] for s in found["scores"]} == set(range(1, 13))
    assert all(0 <= s["coverage80"] <= 1 and s["crps"] >= 0 for s in found["scores"])
    assert sum(found["chosen"].values()) == found["origins"]


@pytest.mark.parametrize(
    ("query", "status", "said"),
    [
        ("indicator=isf_command", 422, "is rated"),
        ("indicator=isis_incidents", 422, "weeks of values"),
        ("indicator=isis_incidents&area=federal-iraq", 422, "nationwide"),
        ("indicator=nothing", 404, "no indicator"),
        ("indicator=isis_incidents&paths=5", 422, "paths"),
        ("", 422, "indicator"),
    ],
)
def test_a_bad_backtest_is_answered_4xx(api: Api, query: str, status: int, said: str) -> None:
    answer = api("GET", f"{BACKTEST}?{query}", "us-member")
    assert answer.status_code == status, answer.text
    assert said in answer.json()["error"]["message"]


def test_openapi_documents_the_timeline(api: Api) -> None:
    spec = api.ok("GET", "/openapi.json", "us-member")
    assert {"get", "post"} <= set(spec["paths"]["/api/commissions/{commission_id}/timeline"])
    for path in ("scenario", "backtest"):
        assert "get" in spec["paths"][f"/api/commissions/{{commission_id}}/{path}"]
    schemas = spec["components"]["schemas"]
    assert {"TimelineRead", "CustomRead", "BacktestRead", "ComputeWrite"} <= set(schemas)
    assert "current" in schemas["TimelineRead"]["properties"]


def stale_after(change: str, engine: Engine, tmp_path: Path) -> None:
    """Make the stored runs stale: import evidence, or load a changed framework."""
    with session_scope(engine) as session:
        if change == "import":
            import_file(session, path=UCDP, format="ucdp-weekly", actor=TESTER)
            return
        changed = tmp_path / CONFIG.name
        changed.write_text(CONFIG.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        loaded = load_commission(session, path=changed, actor=TESTER)
        assert loaded.previous is not None and loaded.version > loaded.previous


@pytest.mark.parametrize("change", ["import", "framework"])
def test_a_run_goes_stale_when_evidence_or_the_framework_changes(
    demo_copy: Engine, tmp_path: Path, change: str
) -> None:
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        api = Api(client, tokens_for(demo_copy))
        made = api.ok("POST", TIMELINE, "us-co-chair", 201, json={"paths": PATHS})
        stale_after(change, demo_copy, tmp_path)
        read = api.ok("GET", TIMELINE, "us-member")
        assert read["id"] == made["id"] and read["current"] is False
        again = api.ok("POST", TIMELINE, "us-co-chair", 201, json={"paths": PATHS})
        assert again["current"] is True and again["made_from"] != made["made_from"]
        assert api.ok("GET", TIMELINE, "us-member")["id"] == again["id"]
