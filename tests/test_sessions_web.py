"""Sessions over HTTP, as an attacker would try them: fixation, guessing, a tampered, expired or
ended cookie, a disabled member, a forged sign-in form, a redirect to another site."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, text

from conftest import DEMO_PASSWORD, sign_in
from hmc.accounts import disable_member
from hmc.actor import Actor
from hmc.app import create_app
from hmc.storage import session_scope

COOKIE = "hmc_session"


@pytest.fixture
def client(demo_copy: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


def form_token(client: TestClient) -> str:
    found = re.search(r'name="token" value="([^"]+)"', client.get("/sign-in").text)
    assert found
    return found.group(1)


def session_cookie(answer: Response) -> str:
    """The Set-Cookie header of the session cookie in ``answer``."""
    found = [c for c in answer.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}=")]
    assert len(found) == 1, found
    return found[0]


def attempt(client: TestClient, password: str, username: str = "iq-analyst") -> int:
    data = {"username": username, "password": password, "token": form_token(client)}
    return client.post("/sign-in", data=data).status_code


def test_a_planted_session_id_is_never_the_one_signed_in(client: TestClient) -> None:
    client.cookies.set(COOKIE, "chosen-by-an-attacker")
    assert client.get("/api/me").status_code == 401
    data = {"username": "us-analyst", "password": DEMO_PASSWORD, "token": form_token(client)}
    issued = session_cookie(client.post("/sign-in", data=data))
    assert "chosen-by-an-attacker" not in issued
    with TestClient(create_app(), raise_server_exceptions=False) as attacker:
        attacker.cookies.set(COOKIE, "chosen-by-an-attacker")
        assert attacker.get("/api/me").status_code == 401


def test_guessing_a_password_is_stopped_even_for_the_right_one(client: TestClient) -> None:
    assert [attempt(client, f"guess number {n}") for n in range(5)] == [401] * 5
    stopped = client.post(
        "/sign-in",
        data={"username": "iq-analyst", "password": DEMO_PASSWORD, "token": form_token(client)},
    )
    assert stopped.status_code == 429
    assert "too many failed sign-ins" in stopped.text
    assert attempt(client, DEMO_PASSWORD, username="iq-co-chair") == 303  # others still can


def test_a_tampered_cookie_is_no_session(client: TestClient) -> None:
    sign_in(client, "us-analyst")
    real = client.cookies[COOKIE]
    client.cookies.set(COOKIE, real[:-1] + ("A" if real[-1] != "A" else "B"))
    assert client.get("/api/me").status_code == 401
    assert client.get("/").headers["location"].startswith("/sign-in")


def test_an_expired_session_is_no_session(client: TestClient, demo_copy: Engine) -> None:
    sign_in(client, "us-analyst")
    assert client.get("/api/me").status_code == 200
    with session_scope(demo_copy) as session:
        session.execute(text("UPDATE login_session SET expires_at = '2000-01-01 00:00:00'"))
    assert client.get("/api/me").status_code == 401


def test_a_disabled_members_session_ends_at_once(client: TestClient, demo_copy: Engine) -> None:
    sign_in(client, "iq-member")
    assert client.get("/api/me").json()["username"] == "iq-member"
    with session_scope(demo_copy) as session:
        disable_member(session, actor=Actor.system("tests"), username="iq-member")
    assert client.get("/api/me").status_code == 401
    assert attempt(client, DEMO_PASSWORD, username="iq-member") == 401


def test_the_cookie_is_http_only_same_site_and_secure_over_https(demo_copy: Engine) -> None:
    with TestClient(create_app(), base_url="https://testserver", follow_redirects=False) as secure:
        sign_in(secure, "us-observer")
    with TestClient(create_app(), follow_redirects=False) as plain:
        data = {"username": "us-observer", "password": DEMO_PASSWORD, "token": form_token(plain)}
        cookie = session_cookie(plain.post("/sign-in", data=data))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    with TestClient(create_app(), base_url="https://testserver", follow_redirects=False) as s:
        data = {"username": "us-observer", "password": DEMO_PASSWORD, "token": form_token(s)}
        cookie = session_cookie(s.post("/sign-in", data=data))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_a_sign_in_form_from_elsewhere_is_refused(client: TestClient) -> None:
    data = {"username": "us-analyst", "password": DEMO_PASSWORD, "token": "forged"}
    answer = client.post("/sign-in", data=data)
    assert answer.status_code == 403
    assert COOKIE not in client.cookies


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil"])
def test_signing_in_never_sends_the_browser_to_another_site(
    client: TestClient, target: str
) -> None:
    data = {
        "username": "us-analyst",
        "password": DEMO_PASSWORD,
        "token": form_token(client),
        "next": target,
    }
    assert client.post("/sign-in", data=data).headers["location"] == "/"


def test_signing_in_goes_back_to_the_page_asked_for(client: TestClient) -> None:
    asked = client.get("/rounds/1?lang=ar")
    assert asked.status_code == 303
    target = asked.headers["location"]
    assert target.startswith("/sign-in?next=")
    page = client.get(target)
    assert 'name="next" value="/rounds/1?lang=ar"' in page.text
