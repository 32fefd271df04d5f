"""Who may read and who may write: every route of the app × every role of both parties (and
an administrator, and nobody signed in) × every state of a round.

The routes come from the app's own route table: a route that is not in RULES fails the test,
so a new page or endpoint cannot ship without saying who may use it. Every answer is also
searched for the drafts of a party the viewer must not see (their rationales carry a marker),
whatever the route: page, endpoint, audit trail or error message.

A route is asked in every state of a round unless it is in ONE_STATE (it takes no round or
meeting, and its answer cannot show one); the joint report, whose PDF hides its text from
that search, is read by every member with pypdf (test_the_report_shows_no_drafts), and the
matrix only asks who may download it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine

from conftest import sign_in, use_database
from hmc.accounts import get_member
from hmc.actor import Actor
from hmc.app import create_app
from hmc.assessment import service
from hmc.assessment.views import round_view
from hmc.meetings import decisions
from hmc.meetings import service as meetings
from hmc.storage import get_engine, session_scope
from importing import copy_database
from postgres import pointed_at

IRAQ = "hmc-iraq-2024"
PARTIES = ("us", "iq")
ROLES = ("co_chair", "analyst", "member", "observer")
MEMBERS = [f"{p}-{r.replace('_', '-')}" for p in PARTIES for r in ROLES] + ["admin"]
STATES = ("drafting", "released", "signed")
DRAFTERS = ("co_chair", "analyst", "member")
MARK = "private-draft-"  # in every drafting round's rationales: "us-private-draft-12"
MEETINGS = "/api/commissions/{commission_id}/meetings"
MEETING = MEETINGS + "/{meeting_id}"
REPORT = ("GET", "/api/commissions/{commission_id}/report")
PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/docs/{name}"),
    ("GET", "/static/{name}"),
    ("GET", "/sign-in"),
    ("POST", "/sign-in"),
}


@dataclass(frozen=True)
class Who:
    username: str | None  # None: nobody signed in

    @property
    def role(self) -> str | None:
        if self.username is None:
            return None
        return "admin" if self.username == "admin" else self.username[3:].replace("-", "_")

    @property
    def party(self) -> str | None:
        return None if self.username in (None, "admin") else self.username[:2]

    def may_see_drafts_of(self, party: str) -> bool:
        return self.party == party and self.role in DRAFTERS


def co_chair(who: Who, state: str) -> str:
    return "forbidden" if who.role != "co_chair" else "ok"


def when(wanted: str) -> Callable[[Who, str], str]:
    """A co-chair's action that only a round in state ``wanted`` allows."""

    def rule(who: Who, state: str) -> str:
        if who.role != "co_chair":
            return "forbidden"
        return "ok" if state == wanted else "refused"

    return rule


def drafting(who: Who, state: str) -> str:
    if who.role not in DRAFTERS:
        return "forbidden"
    return "ok" if state == "drafting" else "refused"


def anyone(outcome: str) -> Callable[[Who, str], str]:
    return lambda who, state: outcome


def reads(who: Who, state: str) -> str:
    return "ok"


def delegates(who: Who, state: str) -> str:
    return "ok" if who.role in DRAFTERS and who.party is not None else "forbidden"


def recorders(who: Who, state: str) -> str:
    """A party's account of an event: its co-chairs, members and analysts."""
    return "ok" if who.role in DRAFTERS else "forbidden"


def anyone_but_observers(outcome: str) -> Callable[[Who, str], str]:
    return lambda who, state: outcome if who.role in DRAFTERS else "forbidden"


def divergence(who: Who, state: str) -> str:
    return "refused" if state == "drafting" else "ok"


# A meeting made per state: its decision proposed (drafting), approved by the US co-chair
# (released) or standing (signed); each party's draft minutes of its item, never shared.


def approves(who: Who, state: str) -> str:
    if who.role != "co_chair":
        return "forbidden"
    if state == "signed" or (state == "released" and who.party == "us"):
        return "refused"
    return "ok"


def revises(who: Who, state: str) -> str:
    if who.role != "co_chair":
        return "forbidden"
    return "refused" if state == "signed" else "ok"


def owners(who: Who, state: str) -> str:
    """An action owned by an Iraqi analyst: co-chairs, and Iraq's delegates."""
    if who.role == "co_chair" or (who.party == "iq" and who.role in DRAFTERS):
        return "ok"
    return "forbidden"


# (method, path) → who may do it, by role and round state. Reads are open to every member;
# what they show is what the privacy check below searches.
RULES: dict[tuple[str, str], Callable[[Who, str], str]] = {
    ("GET", "/api/commissions"): reads,
    ("GET", "/api/commissions/{commission_id}/status"): reads,
    ("GET", "/api/commissions/{commission_id}/state"): reads,
    ("GET", "/api/commissions/{commission_id}/indicators/{key}/series"): reads,
    ("GET", "/api/me"): reads,
    ("POST", "/api/me/password"): anyone("invalid"),  # a too-short new one: reached, refused
    ("GET", "/api/me/tokens"): reads,
    ("POST", "/api/me/tokens"): anyone("ok"),
    ("DELETE", "/api/me/tokens/{token_id}"): anyone("missing"),
    ("GET", "/api/commissions/{commission_id}/rounds"): reads,
    ("POST", "/api/commissions/{commission_id}/rounds"): co_chair,
    ("GET", "/api/rounds/{round_id}"): reads,
    ("PUT", "/api/items/{item_id}/rating"): drafting,
    ("POST", "/api/rounds/{round_id}/submit"): when("drafting"),
    ("PUT", "/api/items/{item_id}/joint"): when("released"),
    ("POST", "/api/rounds/{round_id}/sign"): when("released"),
    ("POST", "/api/rounds/{round_id}/amend"): when("signed"),
    ("GET", "/api/rounds/{round_id}/divergence"): divergence,
    ("GET", "/api/commissions/{commission_id}/agreement"): reads,
    ("GET", "/api/commissions/{commission_id}/timeline"): reads,
    ("GET", "/api/commissions/{commission_id}/report"): reads,
    ("POST", "/api/commissions/{commission_id}/timeline"): delegates,
    ("GET", "/api/commissions/{commission_id}/scenario"): anyone("invalid"),  # no phase given
    ("GET", "/api/commissions/{commission_id}/backtest"): anyone("invalid"),  # no indicator
    ("GET", "/api/audit"): reads,
    ("GET", "/api/audit/head"): reads,
    ("GET", "/api/audit/verify"): reads,
    ("GET", "/api/sources"): reads,
    ("GET", "/api/events"): reads,
    ("GET", "/api/events/{event_id}"): reads,
    ("PUT", "/api/events/{event_id}/account"): recorders,
    ("POST", "/api/links/{link_id}/undo"): anyone_but_observers("missing"),
    ("GET", "/api/commissions/{commission_id}/review"): reads,
    ("GET", "/api/commissions/{commission_id}/review/{item_id}"): anyone("missing"),  # no news
    ("POST", "/api/commissions/{commission_id}/review/{item_id}"): anyone("invalid"),  # no body
    ("PUT", "/api/commissions/{commission_id}/review/outlets"): anyone("invalid"),  # no body
    ("GET", "/api/commissions/{commission_id}/positions"): reads,
    ("GET", "/commissions/{commission_id}/review"): reads,
    ("GET", "/commissions/{commission_id}/review/{report_id}"): reads,  # an exercise report
    ("POST", "/commissions/{commission_id}/review/items/{item_id}"): anyone("missing"),  # no news
    ("GET", "/commissions/{commission_id}/positions"): reads,
    ("GET", "/evidence"): reads,
    ("GET", "/events/{event_id}"): reads,
    ("POST", "/events/{event_id}/account"): recorders,
    ("GET", "/openapi.json"): reads,
    ("GET", "/docs"): reads,
    ("GET", "/"): reads,
    ("GET", "/commissions/{commission_id}"): reads,
    ("POST", "/sign-out"): anyone("ok"),
    ("GET", "/account"): reads,
    ("POST", "/account/password"): anyone("invalid"),
    ("GET", "/rounds"): reads,
    ("GET", "/commissions/{commission_id}/rounds"): reads,
    ("POST", "/commissions/{commission_id}/rounds"): co_chair,
    ("GET", "/rounds/{round_id}"): reads,
    ("POST", "/rounds/{round_id}/items/{item_id}/rating"): drafting,
    ("POST", "/items/{item_id}/joint"): when("released"),
    ("POST", "/rounds/{round_id}/submit"): when("drafting"),
    ("POST", "/rounds/{round_id}/sign"): when("released"),
    ("POST", "/rounds/{round_id}/amend"): when("signed"),
    ("GET", "/rounds/{round_id}/divergence"): divergence,
    ("GET", "/audit"): reads,
    ("GET", "/commissions/{commission_id}/timeline"): reads,
    ("POST", "/commissions/{commission_id}/timeline"): delegates,
    ("GET", f"{MEETINGS}"): reads,
    ("POST", f"{MEETINGS}"): co_chair,
    ("GET", "/api/commissions/{commission_id}/meetings.ics"): reads,
    ("GET", f"{MEETING}"): reads,
    ("PUT", f"{MEETING}/attendees"): co_chair,
    ("POST", f"{MEETING}/agenda"): co_chair,
    ("POST", f"{MEETING}/agenda/refresh"): co_chair,
    ("PUT", f"{MEETING}/agenda/{{item_id}}"): co_chair,
    ("PUT", f"{MEETING}/agenda/{{item_id}}/minutes"): recorders,
    ("POST", f"{MEETING}/agenda/{{item_id}}/minutes/share"): co_chair,
    ("POST", f"{MEETING}/decisions"): co_chair,
    ("PUT", f"{MEETING}/decisions/{{decision_id}}"): revises,
    ("POST", f"{MEETING}/decisions/{{decision_id}}/approve"): approves,
    ("POST", f"{MEETING}/actions"): co_chair,
    ("PUT", f"{MEETING}/actions/{{action_id}}"): owners,
    ("GET", "/meetings"): reads,
    ("GET", "/commissions/{commission_id}/meetings"): reads,
    ("POST", "/commissions/{commission_id}/meetings"): co_chair,
    ("GET", "/commissions/{commission_id}/meetings.ics"): reads,
    ("GET", "/meetings/{meeting_id}"): reads,
    ("POST", "/meetings/{meeting_id}/attendees"): co_chair,
    ("POST", "/meetings/{meeting_id}/agenda"): co_chair,
    ("POST", "/meetings/{meeting_id}/agenda/refresh"): co_chair,
    ("POST", "/meetings/{meeting_id}/agenda/{item_id}"): co_chair,
    ("POST", "/meetings/{meeting_id}/agenda/{item_id}/minutes"): recorders,
    ("POST", "/meetings/{meeting_id}/decisions"): co_chair,
    ("POST", "/meetings/{meeting_id}/decisions/{decision_id}/approve"): approves,
    ("POST", "/meetings/{meeting_id}/actions"): co_chair,
    ("POST", "/meetings/{meeting_id}/actions/{action_id}"): owners,
}
# Routes that take no round or meeting and whose answer cannot show one (the member's own
# account, the evidence, the app's description, a request refused before anything is read):
# the same request in every state, asked once per member. Every other route is asked in each
# state, a round (or meeting) made in that state just before.
ONE_STATE = {
    ("GET", "/api/commissions"),
    ("GET", "/api/commissions/{commission_id}/indicators/{key}/series"),
    ("GET", "/api/me"),
    ("POST", "/api/me/password"),
    ("GET", "/api/me/tokens"),
    ("POST", "/api/me/tokens"),
    ("DELETE", "/api/me/tokens/{token_id}"),
    ("GET", "/api/commissions/{commission_id}/scenario"),
    ("GET", "/api/commissions/{commission_id}/backtest"),
    ("GET", "/api/sources"),
    ("GET", "/api/events"),
    ("GET", "/api/events/{event_id}"),
    ("PUT", "/api/events/{event_id}/account"),
    ("POST", "/api/links/{link_id}/undo"),
    ("GET", "/evidence"),
    ("GET", "/events/{event_id}"),
    ("POST", "/events/{event_id}/account"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/account"),
    ("POST", "/account/password"),
}
OUTCOMES = {  # what each outcome looks like: the API's statuses, then the pages'
    "ok": ({200, 201, 204}, {200, 303}),
    "refused": ({409}, {409}),
    "forbidden": ({403}, {403}),
    "invalid": ({422}, {422}),
    "missing": ({404}, {404}),
}


def app_routes() -> set[tuple[str, str]]:
    """Every (method, path) the app answers, from its route table (HEAD counted as GET)."""
    found = set()
    for router in create_app().routes:
        for context in getattr(router, "effective_route_contexts", list)():
            for method in context.original_route.methods or ():
                if method != "HEAD":
                    found.add((method, context.path))
    return found


def test_every_route_is_in_the_matrix() -> None:
    assert app_routes() == set(RULES) | PUBLIC


def test_a_route_asked_in_one_state_answers_alike_in_every_state() -> None:
    """ONE_STATE leaves out no expected answer: its routes take no round, meeting or item,
    and who may use them does not depend on a round's state."""
    assert set(RULES) >= ONE_STATE
    for method, path in ONE_STATE:
        assert not any(name in path for name in ("{round_id}", "{item_id}", "{meeting_id}"))
        for username in [*MEMBERS, None]:
            answers = {RULES[(method, path)](Who(username), state) for state in STATES}
            assert len(answers) == 1, (method, path, username, answers)


# --- the database and the rounds --------------------------------------------------------


@pytest.fixture(
    scope="module",
    params=[  # under xdist, one worker per database
        pytest.param(name, marks=pytest.mark.xdist_group(f"authorization-{name}"))
        for name in ("sqlite", "postgresql")
    ],
)
def database(
    request: pytest.FixtureRequest, demo_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """The demo database: a copy of the SQLite one, then of the one built on PostgreSQL."""
    if request.param == "sqlite":
        copy = copy_database(demo_db, tmp_path_factory.mktemp("matrix") / "matrix.db")
        yield use_database(f"sqlite:///{copy}")
        get_engine.cache_clear()
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.create_database(template=request.getfixturevalue("postgres_demo_template"))
    engine = use_database(url)
    yield engine
    for used in (engine, get_engine()):  # the tests' engine, and the app's and commands'
        used.dispose()
    get_engine.cache_clear()
    cluster.drop_database(url)


def actor(session: Any, username: str) -> Actor:
    return get_member(session, username=username).actor


def make_round(engine: Engine, state: str) -> tuple[int, int]:
    """A new round in ``state``, every item drafted by both parties; its id and first item."""
    with session_scope(engine) as session:
        chair = actor(session, "us-co-chair")
        opened = service.open_round(
            session, actor=chair, commission_id=IRAQ, name=f"matrix {state}", as_of=date(2024, 2, 4)
        )
        for party in PARTIES:
            analyst = actor(session, f"{party}-analyst")
            for item in round_view(session, viewer=analyst, round_id=opened.id).items:
                service.save_rating(
                    session,
                    actor=analyst,
                    item_id=item.id,
                    level=3,
                    confidence="low",
                    rationale=f"{party}-{MARK if state == 'drafting' else 'released-'}{opened.id}",
                )
        if state != "drafting":
            for party in PARTIES:
                service.submit(
                    session, actor=actor(session, f"{party}-co-chair"), round_id=opened.id
                )
            for item in round_view(session, viewer=chair, round_id=opened.id).items:
                service.reconcile(session, actor=chair, item_id=item.id, level=3)
        if state == "signed":
            for party in PARTIES:
                service.sign(session, actor=actor(session, f"{party}-co-chair"), round_id=opened.id)
        first = round_view(session, viewer=chair, round_id=opened.id).items[0].id
    return opened.id, first


def make_meeting(engine: Engine, state: str) -> dict[str, int]:
    """A new meeting with an item, each party's draft minutes of it, a decision (proposed,
    approved by the US, or standing by the state) and an action of an Iraqi analyst."""
    with session_scope(engine) as session:
        chair = actor(session, "us-co-chair")
        made = meetings.schedule(
            session,
            actor=chair,
            commission_id=IRAQ,
            title=f"matrix {state}",
            day=date(2024, 2, 10),
            start=time(10, 0),
            place="matrix",
            format="video",
        )
        item = meetings.add_item(session, actor=chair, meeting_id=made.id, subject="matrix")
        for party in PARTIES:
            meetings.save_minutes(
                session,
                actor=actor(session, f"{party}-analyst"),
                meeting_id=made.id,
                item_id=item,
                text=f"{party}-{MARK}{made.id}",
            )
        decided = decisions.propose(session, actor=chair, meeting_id=made.id, text="matrix")
        chairs = {"drafting": (), "released": ("us",), "signed": PARTIES}[state]
        for party in chairs:
            decisions.approve(
                session,
                actor=actor(session, f"{party}-co-chair"),
                meeting_id=made.id,
                decision_id=decided,
                version=1,
            )
        action_id = meetings.add_action(
            session,
            actor=chair,
            meeting_id=made.id,
            text="matrix",
            owner="iq-analyst",
            due=date(2024, 3, 1),
        )
    return {"meeting_id": made.id, "item_id": item, "decision_id": decided, "action_id": action_id}


class Rounds:
    """Rounds per state; a write that succeeded spends its round, so the next gets a fresh one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.current: dict[tuple[str, str], dict[str, int]] = {}

    def get(self, route: str, state: str) -> dict[str, int]:
        """The ids a request to ``route`` fills in: a round and its item, or a meeting's."""
        key = (route, state)
        if key not in self.current:
            if "meeting_id" in route:
                self.current[key] = make_meeting(self.engine, state)
            else:
                round_id, item_id = make_round(self.engine, state)
                self.current[key] = {"round_id": round_id, "item_id": item_id}
        return self.current[key]

    def spend(self, route: str, state: str) -> None:
        self.current.pop((route, state), None)


@pytest.fixture(scope="module")
def clients(database: Engine) -> Iterator[dict[str | None, tuple[TestClient, str]]]:
    """A client per member, signed in through the sign-in page, with its CSRF token."""
    made: dict[str | None, tuple[TestClient, str]] = {}
    app = create_app()
    for username in [*MEMBERS, None]:
        client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        client.__enter__()
        made[username] = (client, sign_in(client, username) if username else "")
    yield made
    for client, _ in made.values():
        client.__exit__(None, None, None)


# --- asking -------------------------------------------------------------------------------


def request(client: TestClient, csrf: str, method: str, path: str, ids: dict[str, int]) -> Any:
    """``method path`` with the round's or meeting's ``ids`` filled in, and a body it accepts."""
    url = path.format(
        commission_id=IRAQ,
        key="isis_incidents",
        token_id=999999,
        event_id=1,
        report_id=1,
        link_id=999999,
        name="docs.js",
        **{"round_id": 0, **ids},
    )
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    if path.startswith("/api/"):
        body = {
            "/api/me/password": {"current": "exercise-only-password", "new": "short"},
            "/api/me/tokens": {"name": "matrix"},
            "/api/commissions/{commission_id}/rounds": {"name": "by matrix", "as_of": "2024-02-11"},
            "/api/items/{item_id}/rating": {
                "level": 4,
                "confidence": "high",
                "rationale": "matrix",
                "evidence": [],
                "version": 1,
            },
            "/api/items/{item_id}/joint": {"level": 4, "disputed": False, "note": "", "version": 1},
            "/api/commissions/{commission_id}/timeline": {"paths": 100},
            "/api/events/{event_id}/account": {"category": "attack", "text": "matrix"},
            MEETINGS: {
                "title": "by matrix",
                "day": "2024-02-17",
                "start": "09:30",
                "place": "matrix",
                "format": "hybrid",
            },
            f"{MEETING}/attendees": {"usernames": []},
            f"{MEETING}/agenda": {"subject": "by matrix"},
            f"{MEETING}/agenda/{{item_id}}": {"dropped": True},
            f"{MEETING}/agenda/{{item_id}}/minutes": {"text": "by matrix", "version": 1},
            f"{MEETING}/decisions": {"text": "by matrix"},
            f"{MEETING}/decisions/{{decision_id}}": {"text": "by matrix", "version": 1},
            f"{MEETING}/decisions/{{decision_id}}/approve": {"version": 1},
            f"{MEETING}/actions": {"text": "by matrix", "owner": "us-member", "due": "2024-03-01"},
            f"{MEETING}/actions/{{action_id}}": {"state": "done"},
        }.get(path)
        return client.request(method, url, json=body, headers=headers)
    form = {
        "/account/password": {"current": "exercise-only-password", "new": "short"},
        "/commissions/{commission_id}/rounds": {"name": "by matrix", "as_of": "2024-02-11"},
        "/rounds/{round_id}/items/{item_id}/rating": {
            "level": "4",
            "confidence": "high",
            "rationale": "matrix",
            "version": "1",
        },
        "/items/{item_id}/joint": {
            "round": str(ids.get("round_id")),
            "choice": "4",
            "version": "1",
        },
        "/commissions/{commission_id}/timeline": {"paths": "100"},
        "/events/{event_id}/account": {"category": "attack", "text": "matrix"},
        "/commissions/{commission_id}/meetings": {
            "title": "by matrix",
            "day": "2024-02-17",
            "start": "09:30",
            "place": "matrix",
            "format": "hybrid",
        },
        "/meetings/{meeting_id}/agenda": {"subject": "by matrix"},
        "/meetings/{meeting_id}/agenda/{item_id}": {"do": "drop"},
        "/meetings/{meeting_id}/agenda/{item_id}/minutes": {"text": "by matrix", "version": "1"},
        "/meetings/{meeting_id}/decisions": {"text": "by matrix"},
        "/meetings/{meeting_id}/decisions/{decision_id}/approve": {"version": "1"},
        "/meetings/{meeting_id}/actions": {
            "text": "by matrix",
            "owner": "us-member",
            "due": "2024-03-01",
        },
        "/meetings/{meeting_id}/actions/{action_id}": {"state": "done"},
    }.get(path, {})
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**form, "csrf": csrf} if csrf else form)


def leaks(who: Who, text: str) -> list[str]:
    """The parties whose private drafts appear in ``text`` although ``who`` may not see them."""
    return [p for p in PARTIES if f"{p}-{MARK}" in text and not who.may_see_drafts_of(p)]


CASES = [
    (method, path, username, state)
    for (method, path) in sorted(RULES)
    if path != "/sign-out"
    for username in MEMBERS
    for state in (STATES[:1] if (method, path) in ONE_STATE else STATES)
]


@pytest.mark.parametrize(("method", "path", "username", "state"), CASES)
def test_who_may_read_and_write(
    clients: dict[str | None, tuple[TestClient, str]],
    database: Engine,
    rounds: Rounds,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    username: str,
    state: str,
) -> None:
    who = Who(username)
    client, csrf = clients[username]
    if (method, path) == REPORT:  # who may download it; what it shows: see below
        monkeypatch.setattr("hmc.api.report.report_pdf", lambda session, **_: b"%PDF-1.7")
    answer = request(client, csrf, method, path, rounds.get(path, state))
    api, pages = OUTCOMES[RULES[(method, path)](who, state)]
    expected = api if path.startswith(("/api/", "/openapi")) else pages
    assert answer.status_code in expected, (answer.status_code, answer.text[:300])
    if method != "GET" and answer.status_code in (200, 201, 204, 303):
        rounds.spend(path, state)
    assert leaks(who, answer.text) == []
    if answer.status_code == 303:
        assert not answer.headers["location"].startswith("/sign-in")


@pytest.fixture(scope="module")
def rounds(database: Engine) -> Rounds:
    return Rounds(database)


@pytest.mark.parametrize(("method", "path"), sorted(RULES))
def test_nobody_signed_in_gets_nothing(
    clients: dict[str | None, tuple[TestClient, str]], rounds: Rounds, method: str, path: str
) -> None:
    client, _ = clients[None]
    answer = request(client, "", method, path, rounds.get(path, "drafting"))
    if path.startswith(("/api/", "/openapi")):
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "not_signed_in"
    elif method == "GET":
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/sign-in?next=")
    else:
        assert answer.status_code == 401
    assert leaks(Who(None), answer.text) == []


@pytest.mark.parametrize(("method", "path"), sorted(r for r in RULES if r[0] != "GET"))
def test_a_change_without_its_csrf_token_is_refused(
    clients: dict[str | None, tuple[TestClient, str]], rounds: Rounds, method: str, path: str
) -> None:
    client, _ = clients["us-co-chair"]
    answer = request(client, "", method, path, rounds.get(path, "drafting"))
    assert answer.status_code == 403
    assert "CSRF" in answer.text


@pytest.mark.parametrize("username", MEMBERS)
def test_every_member_may_sign_out_and_is_then_out(database: Engine, username: str) -> None:
    with TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False) as client:
        csrf = sign_in(client, username)
        cookie = client.cookies["hmc_session"]
        assert client.post("/sign-out", data={"csrf": csrf}).status_code == 303
        client.cookies.set("hmc_session", cookie)  # the old cookie, sent again: ended for good
        assert client.get("/api/me").status_code == 401


# --- the joint report ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def drafted(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo database with a round and a meeting in every state: both parties'
    private drafts in the drafting round and in every meeting's minutes."""
    path = copy_database(demo_db, tmp_path_factory.mktemp("report") / "hmc.db")
    engine = get_engine.__wrapped__(f"sqlite:///{path}")  # not hmc's cached engine
    try:
        for state in STATES:
            make_round(engine, state)
            make_meeting(engine, state)
    finally:
        engine.dispose()
    return path


@pytest.mark.parametrize("username", MEMBERS)
def test_the_report_shows_no_drafts(drafted: Path, username: str) -> None:
    """The report's text, as a reader of the PDF sees it, holds no party's drafts (every
    member may download it: it shows only what both parties released)."""
    with (
        pointed_at(f"sqlite:///{drafted}"),
        TestClient(create_app(), raise_server_exceptions=False) as client,
    ):
        sign_in(client, username)
        answer = client.get(f"/api/commissions/{IRAQ}/report", params={"as_of": "2024-02-11"})
    assert answer.status_code == 200, answer.text[:300]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "matrix signed" in text and "matrix released" in text  # the rounds are read
    assert MARK not in text
