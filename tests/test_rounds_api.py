"""Assessment rounds, the signed-in member and the audit trail through the JSON API.

A party's drafts never reach anyone else's answer, pages of the trail included, until the
round is released; then divergence, reconciliation, two signatures and the gates.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from conftest import DEMO_PASSWORD
from hmc.accounts import create_token, sign_in
from hmc.actor import Actor
from hmc.app import create_app
from hmc.assessment.agreement import agreement
from hmc.assessment.models import CONFIDENCES
from hmc.assessment.schemas import RatingWrite
from hmc.deps import COOKIE
from hmc.storage import get_engine, session_scope

TESTER = Actor.system("tests")
IRAQ = "hmc-iraq-2024"
MEMBERS = [
    f"{party}-{role}"
    for party in ("us", "iq")
    for role in ("co-chair", "analyst", "member", "observer")
] + ["admin"]
SECRET = "US-DRAFT-ONLY-9f41c2: the analyst's private reasoning"
US = {
    "isf_counter_terrorism": 4,
    "isf_intelligence": 2,
    "isf_air_and_fires": 2,
    "isf_logistics": 2,
    "isf_command": 3,
    "isf_border_security": 3,
    "isf_training": 3,
}
IQ = {
    "isf_counter_terrorism": 4,
    "isf_intelligence": 4,
    "isf_air_and_fires": 3,
    "isf_logistics": 3,
    "isf_command": 4,
    "isf_border_security": 3,
    "isf_training": 4,
}
JOINT = 5  # not a level of the exercise round: the status shows it came from this round
NOT_THE_US = ["iq-co-chair", "iq-analyst", "us-observer", "iq-observer", "admin"]


def tokens_for(engine: Engine) -> dict[str, str]:
    """A personal API token for every demonstration member, made through the service."""
    with session_scope(engine) as session:
        return {u: create_token(session, actor=TESTER, username=u, name="t") for u in MEMBERS}


class Api:
    """The test client, sending each request with the token of the member named."""

    def __init__(self, client: TestClient, tokens: dict[str, str]) -> None:
        self.client, self.tokens = client, tokens

    def __call__(self, method: str, url: str, who: str, **kwargs: Any) -> Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.request(method, url, headers=headers, **kwargs)

    def ok(self, method: str, url: str, who: str, status: int = 200, **kwargs: Any) -> Any:
        response = self(method, url, who, **kwargs)
        assert response.status_code == status, response.text
        return response.json()


@pytest.fixture
def client(demo_copy: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, demo_copy: Engine) -> Api:
    return Api(client, tokens_for(demo_copy))


def open_round(api: Api) -> int:
    """A new round of every rated indicator, as of two weeks ago (its values reach today)."""
    body = {"name": "API round", "as_of": (date.today() - timedelta(weeks=2)).isoformat()}
    opened = api.ok("POST", f"/api/commissions/{IRAQ}/rounds", "us-co-chair", 201, json=body)
    assert opened["state"] == "drafting" and opened["commission"] == IRAQ
    return int(opened["id"])


def rate(api: Api, who: str, round_id: int, levels: dict[str, int], rationale: str) -> None:
    for item in api.ok("GET", f"/api/rounds/{round_id}", who)["items"]:
        body = {
            "level": levels[item["indicator"]],
            "confidence": "medium",
            "rationale": f"{rationale} ({item['indicator']})",
            "evidence": [{"kind": "url", "ref": "https://example.org/report"}],
            "version": None,
        }
        saved = api.ok("PUT", f"/api/items/{item['id']}/rating", who, json=body)
        assert saved == {"version": 1}


def assert_drafts_private(api: Api, round_id: int, viewers: list[str]) -> None:
    """The US draft is in no answer to ``viewers``: not the round, not the audit trail."""
    for who in viewers:
        view = api("GET", f"/api/rounds/{round_id}", who)
        assert view.status_code == 200, view.text
        assert SECRET not in view.text, who
        assert all("us" not in i["ratings"] for i in view.json()["items"]), who
        for query in ("", "?type=rating", f"?commission={IRAQ}&limit=1000", "?type=submission"):
            trail = api("GET", f"/api/audit{query}", who)
            assert trail.status_code == 200, trail.text
            assert SECRET not in trail.text, (who, query)


def test_the_whole_round_through_the_api(api: Api) -> None:
    round_id = open_round(api)
    assert any(
        r["id"] == round_id for r in api.ok("GET", f"/api/commissions/{IRAQ}/rounds", "iq-member")
    )
    view = api.ok("GET", f"/api/rounds/{round_id}", "us-analyst")
    assert {i["indicator"] for i in view["items"]} == set(US)
    assert [lv["value"] for lv in view["items"][0]["levels"]] == [1, 2, 3, 4, 5]
    assert all(lv["rubric"] for lv in view["items"][0]["levels"])
    rate(api, "us-analyst", round_id, US, SECRET)
    rate(api, "iq-analyst", round_id, IQ, "Iraqi view")

    # Drafting: the US draft is the US party's alone.
    assert_drafts_private(api, round_id, NOT_THE_US)
    own = api("GET", f"/api/rounds/{round_id}", "us-co-chair")
    assert SECRET in own.text
    assert SECRET in api("GET", "/api/audit?type=rating", "us-member").text
    iq_view = api.ok("GET", f"/api/rounds/{round_id}", "iq-co-chair")
    assert all(set(i["ratings"]) == {"iq"} for i in iq_view["items"])
    early = api("GET", f"/api/rounds/{round_id}/divergence", "iq-co-chair")
    assert early.status_code == 409 and SECRET not in early.text

    # A save based on a stale version is refused and says which version is current.
    first = view["items"][0]["id"]
    body = {"level": 3, "confidence": "high", "rationale": f"{SECRET} again", "version": None}
    stale = api("PUT", f"/api/items/{first}/rating", "us-member", json=body)
    assert stale.status_code == 409, stale.text
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["details"]["current_version"] == 1
    body["level"] = US[view["items"][0]["indicator"]]
    rating_url = f"/api/items/{first}/rating"
    assert api.ok("PUT", rating_url, "us-member", json={**body, "version": 1}) == {"version": 2}
    assert api("PUT", rating_url, "us-observer", json=body).status_code == 403

    # Submission: an analyst may not; once both co-chairs have, the round is released.
    assert api("POST", f"/api/rounds/{round_id}/submit", "us-analyst").status_code == 403
    submitted = api.ok("POST", f"/api/rounds/{round_id}/submit", "us-co-chair")
    assert submitted["state"] == "drafting" and submitted["submitted"] == ["us"]
    late = api("PUT", rating_url, "us-member", json={**body, "version": 2})
    assert late.status_code == 409 and "submitted" in late.json()["error"]["message"]
    assert_drafts_private(api, round_id, NOT_THE_US)
    released = api.ok("POST", f"/api/rounds/{round_id}/submit", "iq-co-chair")
    assert released["state"] == "released" and released["submitted"] == ["iq", "us"]
    seen = api("GET", f"/api/rounds/{round_id}", "iq-co-chair")
    assert SECRET in seen.text
    assert all(set(i["ratings"]) == {"us", "iq"} for i in seen.json()["items"])
    assert SECRET in api("GET", "/api/audit?type=submission", "us-observer").text

    # Divergence: each item's levels and gap, agreement overall and per factor.
    found = api.ok("GET", f"/api/rounds/{round_id}/divergence", "iq-analyst")
    pairs = [(US[k], IQ[k]) for k in US]
    expected = agreement(pairs, labels=[1, 2, 3, 4, 5])
    assert found["overall"]["items"] == 7
    assert found["overall"]["exact"] == pytest.approx(2 / 7)
    assert found["overall"]["kappa"] == pytest.approx(expected.kappa)
    assert found["by_factor"] == {"isf-capability": found["overall"]}
    by_key = {i["indicator"]: i for i in found["items"]}
    intel = by_key["isf_intelligence"]
    assert intel["levels"] == {"us": 2, "iq": 4} and intel["gap"] == 2 and intel["flagged"]
    assert intel["rationales"]["us"].startswith(SECRET)
    assert [k for k, i in by_key.items() if i["flagged"]] == ["isf_intelligence"]
    assert found["flagged"] == 1
    history = api.ok("GET", f"/api/commissions/{IRAQ}/agreement", "us-observer")
    assert history[-1]["round"]["id"] == round_id
    assert history[-1]["overall"] == found["overall"] and len(history) >= 2

    # Reconciliation and two signatures: the joint ratings enter the gates.
    items = seen.json()["items"]
    joint = {"level": JOINT, "disputed": False, "note": "agreed", "version": None}
    assert api("PUT", f"/api/items/{first}/joint", "iq-analyst", json=joint).status_code == 403
    for item in items:
        saved = api.ok("PUT", f"/api/items/{item['id']}/joint", "us-co-chair", json=joint)
        assert saved == {"version": 1}
    stale = api("PUT", f"/api/items/{first}/joint", "iq-co-chair", json={**joint, "level": 4})
    assert stale.status_code == 409 and stale.json()["error"]["details"]["current_version"] == 1
    half = api.ok("POST", f"/api/rounds/{round_id}/sign", "us-co-chair")
    assert half["state"] == "released" and half["signed_by"] == ["us"]
    signed = api.ok("POST", f"/api/rounds/{round_id}/sign", "iq-co-chair")
    assert signed["state"] == "signed" and signed["signed_on"] == date.today().isoformat()
    final = api.ok("GET", f"/api/rounds/{round_id}", "us-observer")
    assert {s["party"] for s in final["signatures"]} == {"us", "iq"}
    assert all(i["joint"]["level"] == JOINT for i in final["items"])
    status = api.ok("GET", f"/api/commissions/{IRAQ}/status?as_of={date.today()}", "iq-member")
    rated = {s["key"]: s for s in status["indicators"] if s["kind"] == "rated"}
    assert rated["isf_counter_terrorism"]["value"] == JOINT
    assert not rated["isf_counter_terrorism"]["disputed"]
    assert all("by_party" in g for g in status["gates"])

    # An amendment is a new round; the trail is intact and its head is the newest record.
    amended = api.ok("POST", f"/api/rounds/{round_id}/amend", "iq-co-chair", 201)
    assert amended["amends"] == round_id and amended["state"] == "drafting"
    check = api.ok("GET", "/api/audit/verify", "us-observer")
    assert check["intact"] and check["problem"] is None and check["bad_seq"] is None
    held = api.ok("GET", "/api/audit/head", "iq-observer")["head"]
    assert held == check["head"] == api.ok("GET", "/api/audit?limit=1", "admin")[0]["hash"]


def test_who_am_i_tokens_and_password(api: Api, client: TestClient) -> None:
    me = api.ok("GET", "/api/me", "iq-analyst")
    assert me == {
        "username": "iq-analyst",
        "name": "Exercise iq-analyst",
        "role": "analyst",
        "party": "iq",
        "commission": IRAQ,
    }
    assert api.ok("GET", "/api/me", "admin")["party"] is None
    made = api.ok("POST", "/api/me/tokens", "iq-analyst", 201, json={"name": "laptop", "days": 30})
    assert made["token"].startswith("hmc_") and made["name"] == "laptop"
    listed = api.ok("GET", "/api/me/tokens", "iq-analyst")
    assert made["id"] in [t["id"] for t in listed] and all("token" not in t for t in listed)
    api.tokens["laptop"] = made["token"]
    assert api.ok("GET", "/api/me", "laptop")["username"] == "iq-analyst"
    assert api("DELETE", f"/api/me/tokens/{made['id']}", "iq-co-chair").status_code == 403
    revoked = api.ok("DELETE", f"/api/me/tokens/{made['id']}", "iq-analyst")
    assert revoked["revoked_at"] is not None
    assert api("GET", "/api/me", "laptop").status_code == 401
    assert api("DELETE", f"/api/me/tokens/{made['id']}", "iq-analyst").status_code == 409
    assert api("DELETE", "/api/me/tokens/999999", "iq-analyst").status_code == 404

    wrong = {"current": "not the password", "new": "a new long password"}
    assert api("POST", "/api/me/password", "iq-analyst", json=wrong).status_code == 403
    short = {"current": DEMO_PASSWORD, "new": "short"}
    assert api("POST", "/api/me/password", "iq-analyst", json=short).status_code == 422
    change = {"current": DEMO_PASSWORD, "new": "a new long password"}
    assert api.ok("POST", "/api/me/password", "iq-analyst", json=change) == {"status": "changed"}
    assert client.get("/api/me").status_code == 401  # no credentials: not signed in


def test_a_cookie_change_needs_the_csrf_token(
    api: Api, client: TestClient, demo_copy: Engine
) -> None:
    round_id = open_round(api)
    item = api.ok("GET", f"/api/rounds/{round_id}", "us-analyst")["items"][0]
    with session_scope(demo_copy) as session:  # as the sign-in page does
        signed = sign_in(session, username="us-analyst", password=DEMO_PASSWORD, address="t")
    client.cookies.set(COOKIE, signed.token)
    csrf = signed.csrf
    assert client.get("/api/me").json()["username"] == "us-analyst"  # reading needs none
    body = {"level": 3, "confidence": "low", "rationale": "from the browser", "version": None}
    refused = client.put(f"/api/items/{item['id']}/rating", json=body)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["details"] == {"reason": "csrf"}
    wrong = client.put(f"/api/items/{item['id']}/rating", json=body, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    done = client.put(f"/api/items/{item['id']}/rating", json=body, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200 and done.json() == {"version": 1}
    assert client.post("/api/me/tokens", json={"name": "x"}).status_code == 403


HUGE = "x" * 20_001
RATING = "/api/items/{item}/rating"
JOINT_URL = "/api/items/{item}/joint"
ROUNDS = f"/api/commissions/{IRAQ}/rounds"


def rating(**changes: Any) -> dict[str, Any]:
    """A valid rating body, but for ``changes`` (``...``: the field left out)."""
    body = {"level": 3, "confidence": "low", "rationale": "r", "version": None, **changes}
    return {k: v for k, v in body.items() if v is not ...}


def opening(**changes: Any) -> dict[str, Any]:
    return {"name": "r", "as_of": "2024-03-01", **changes}


LINK = {"kind": "url", "ref": "https://example.org"}
MALFORMED: list[tuple[str, str, Any]] = [
    ("PUT", RATING, rating(level="high")),
    ("PUT", RATING, rating(level=99)),
    ("PUT", RATING, rating(level=10**30)),
    ("PUT", RATING, rating(level=True)),
    ("PUT", RATING, rating(confidence="sure")),
    ("PUT", RATING, rating(rationale=HUGE)),
    ("PUT", RATING, rating(rationale="   ")),
    ("PUT", RATING, rating(rationale="a\x00b")),  # PostgreSQL keeps no NUL in text
    ("PUT", RATING, rating(version=...)),  # left out: a new rating says null
    ("PUT", RATING, rating(version="1")),
    ("PUT", RATING, rating(version=2**40)),
    ("PUT", RATING, rating(unknown=1)),
    ("PUT", RATING, rating(evidence="none")),
    ("PUT", RATING, rating(evidence=[{"kind": "url", "ref": HUGE}])),
    ("PUT", RATING, rating(evidence=[{"kind": "url", "ref": "javascript:alert(1)"}])),
    ("PUT", RATING, rating(evidence=[{"kind": "event", "ref": "99999999"}])),
    ("PUT", RATING, rating(evidence=[{"kind": "tweet", "ref": "x"}])),
    ("PUT", RATING, rating(evidence=[LINK] * 51)),
    ("PUT", RATING, [1, 2, 3]),
    ("PUT", RATING, "not an object"),
    ("PUT", RATING, None),
    ("PUT", "/api/items/abc/rating", rating()),
    ("PUT", f"/api/items/{2**40}/rating", rating()),
    ("PUT", JOINT_URL, {"level": "5", "version": None}),
    ("PUT", JOINT_URL, {"level": 3, "disputed": "yes", "version": None}),
    ("PUT", JOINT_URL, {"level": 3, "note": HUGE, "version": None}),
    ("GET", f"/api/rounds/{'9' * 30}", None),
    ("POST", ROUNDS, opening(name=HUGE)),
    ("POST", ROUNDS, opening(name="")),
    ("POST", ROUNDS, opening(as_of="2024-13-01")),
    ("POST", ROUNDS, opening(as_of="3024-01-01")),
    ("POST", ROUNDS, opening(as_of=20240301)),
    ("POST", ROUNDS, opening(flag_gap=99)),
    ("POST", ROUNDS, opening(indicators="all")),
    ("POST", ROUNDS, opening(indicators=["x" * 100])),
    ("POST", ROUNDS, opening(indicators=["isis_incidents"])),  # measured, not rated
    ("POST", ROUNDS, opening(indicators=["isf_training", "isf_training"])),
    ("POST", ROUNDS, opening(areas=["federal-iraq", "federal-iraq"])),
    ("POST", "/api/rounds/{round}/amend", {"name": HUGE}),
    ("POST", "/api/me/password", {"current": HUGE, "new": HUGE}),
    ("POST", "/api/me/password", {"current": 1, "new": 2}),
    ("POST", "/api/me/tokens", {"name": "t", "days": 0}),
    ("POST", "/api/me/tokens", {"name": HUGE}),
    ("POST", "/api/me/tokens", {"name": "a\x00"}),
    ("DELETE", f"/api/me/tokens/{2**40}", None),
    ("GET", "/api/audit?limit=0", None),
    ("GET", "/api/audit?limit=100000", None),
    ("GET", f"/api/audit?type={HUGE}", None),
    ("GET", "/api/audit?id=1%00", None),
    ("GET", "/api/commissions/x%00/rounds", None),
    ("GET", f"/api/commissions/{HUGE}/agreement", None),
]


@pytest.mark.parametrize(("method", "url", "body"), MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_input_is_a_422_in_the_one_error_shape(
    api: Api, method: str, url: str, body: Any
) -> None:
    target = url
    if "{" in url:  # a real item of a drafting round: the services check what a schema cannot
        round_id = open_round(api)
        item = api.ok("GET", f"/api/rounds/{round_id}", "us-co-chair")["items"][0]["id"]
        target = url.format(item=item, round=round_id)
    response = api(method, target, "us-co-chair", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and error["message"]
    assert isinstance(error["details"], dict)
    assert len(response.text) < 5_000  # a huge input is not echoed back whole


def test_a_body_that_is_not_json_is_a_422(api: Api) -> None:
    round_id = open_round(api)
    item = api.ok("GET", f"/api/rounds/{round_id}", "us-co-chair")["items"][0]["id"]
    headers = {
        "Authorization": f"Bearer {api.tokens['us-analyst']}",
        "Content-Type": "application/json",
    }
    response = api.client.put(f"/api/items/{item}/rating", content=b"{not json", headers=headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"


def test_who_may_do_what(api: Api) -> None:
    body = {"name": "r", "as_of": "2024-03-01"}
    for who in ("us-analyst", "iq-observer", "admin"):
        assert api("POST", f"/api/commissions/{IRAQ}/rounds", who, json=body).status_code == 403
    assert api("GET", "/api/commissions/pic-iraq-2006/rounds", "us-co-chair").status_code == 403
    assert api("GET", "/api/audit?commission=pic-iraq-2006", "us-co-chair").status_code == 403
    assert api("GET", "/api/rounds/999999", "us-co-chair").status_code == 404
    assert api.client.get(f"/api/commissions/{IRAQ}/rounds").status_code == 401
    round_id = open_round(api)
    assert api("POST", f"/api/rounds/{round_id}/sign", "us-co-chair").status_code == 409
    assert (
        api("POST", f"/api/rounds/{round_id}/submit", "us-co-chair").status_code == 422
    )  # unrated


def test_the_schemas_follow_the_services() -> None:
    confidence = RatingWrite.model_fields["confidence"].annotation
    assert typing.get_args(confidence) == CONFIDENCES


def test_openapi_lists_the_new_paths(api: Api) -> None:
    paths = api.ok("GET", "/openapi.json", "us-observer")["paths"]
    for path, methods in {
        "/api/me": {"get"},
        "/api/me/password": {"post"},
        "/api/me/tokens": {"get", "post"},
        "/api/me/tokens/{token_id}": {"delete"},
        "/api/commissions/{commission_id}/rounds": {"get", "post"},
        "/api/rounds/{round_id}": {"get"},
        "/api/items/{item_id}/rating": {"put"},
        "/api/rounds/{round_id}/submit": {"post"},
        "/api/items/{item_id}/joint": {"put"},
        "/api/rounds/{round_id}/sign": {"post"},
        "/api/rounds/{round_id}/amend": {"post"},
        "/api/rounds/{round_id}/divergence": {"get"},
        "/api/commissions/{commission_id}/agreement": {"get"},
        "/api/audit": {"get"},
        "/api/audit/head": {"get"},
        "/api/audit/verify": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
        assert all(paths[path][m]["description"] or paths[path][m]["summary"] for m in methods)
    assert "201" in paths["/api/commissions/{commission_id}/rounds"]["post"]["responses"]


def test_drafts_stay_private_on_postgres(hmc_on_postgres_demo: str) -> None:
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        api = Api(test_client, tokens_for(get_engine()))
        round_id = open_round(api)
        rate(api, "us-analyst", round_id, US, SECRET)
        assert_drafts_private(api, round_id, NOT_THE_US)
        assert SECRET in api("GET", f"/api/rounds/{round_id}", "us-co-chair").text
        item = api.ok("GET", f"/api/rounds/{round_id}", "us-analyst")["items"][0]
        nul = rating(rationale="a\x00b", version=1)
        assert (
            api("PUT", f"/api/items/{item['id']}/rating", "us-analyst", json=nul).status_code == 422
        )
