"""Security headers on every answer, no server banner, API docs that need no network, and
sign-in at the edges: a page leads to the sign-in form, the API answers 401, and only the
health check, the sign-in form and static files are open to anyone."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

import hmc
from conftest import DEMO_PASSWORD, sign_in
from hmc.accounts import create_token, list_tokens, revoke_token
from hmc.actor import Actor
from hmc.app import create_app
from hmc.deps import COOKIE
from hmc.settings import get_settings
from hmc.storage import get_engine, session_scope
from serving import serving

PIC = "/commissions/pic-iraq-2006"
SYSTEM = Actor.system("tests")


@pytest.fixture
def client(demo_sessions: Engine) -> Iterator[TestClient]:
    get_engine.cache_clear()
    with TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False) as test:
        sign_in(test)
        yield test


@pytest.fixture
def anonymous(demo_sessions: Engine) -> Iterator[TestClient]:
    """A client that has not signed in."""
    get_engine.cache_clear()
    with TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False) as test:
        yield test


def _policy(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy of ``response``, directive by directive."""
    policy = response.headers["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def _check_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    sources = [s for directive in policy.values() for s in directive]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "server" not in response.headers


# (method, url, status signed in, status without signing in)
ANSWERS = [
    ("GET", "/api/commissions", 200, 401),
    ("GET", f"/api{PIC}/status?as_of=2007-06-30", 200, 401),
    ("GET", f"/api{PIC}/status?as_of=2007-13-45", 422, 401),
    ("GET", "/api/health", 200, 200),
    ("GET", "/api/nope", 404, 404),
    ("POST", "/api/commissions", 405, 405),
    ("GET", "/openapi.json", 200, 401),
    ("GET", "/docs", 200, 303),
    ("GET", "/docs/docs.js", 200, 200),
    ("GET", "/docs/swagger-ui-bundle.js", 200, 200),
    ("GET", "/docs/index.html", 404, 404),
    ("GET", "/", 200, 303),
    ("HEAD", PIC, 200, 303),
    ("GET", f"{PIC}?as_of=yesterday", 422, 303),
    ("GET", "/commissions/nope", 404, 303),
    ("GET", "/nope", 404, 404),
    ("DELETE", PIC, 405, 405),
    ("GET", "/sign-in", 200, 200),
    ("POST", "/sign-in", 422, 422),  # no form at all
    ("GET", "/account", 200, 303),
    ("HEAD", "/account", 200, 303),
    ("POST", "/account/password", 403, 401),  # signed in, but without the CSRF token
    ("POST", "/sign-out", 403, 401),
    ("GET", "/static/hmc.css", 200, 200),
    ("GET", "/static/vega.js", 200, 200),
    ("GET", "/static/nope.css", 404, 404),
]


@pytest.mark.parametrize(("method", "url", "status", "unsigned"), ANSWERS)
def test_every_answer_has_the_security_headers(
    client: TestClient, anonymous: TestClient, method: str, url: str, status: int, unsigned: int
) -> None:
    response = client.request(method, url)
    assert response.status_code == status
    _check_headers(response)
    response = anonymous.request(method, url)
    assert response.status_code == unsigned
    _check_headers(response)


def test_a_500_has_the_security_headers_too(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("broken")

    monkeypatch.setattr("hmc.api.routes.list_commissions", broken)
    monkeypatch.setattr("hmc.web.routes.status", broken)
    for url in ("/api/commissions", PIC):
        response = client.get(url)
        assert response.status_code == 500
        _check_headers(response)


def test_a_real_server_sends_no_banner(demo_sessions: Engine) -> None:
    get_engine.cache_clear()
    with serving() as base, httpx.Client(base_url=base) as browser:
        for url, status in (("/api/commissions", 401), ("/", 303)):
            response = browser.get(url)  # not signed in yet
            assert response.status_code == status, url
            assert "server" not in response.headers, url
            _check_headers(response)
        sign_in(browser)
        for url, status in (("/api/commissions", 200), ("/", 200), ("/static/hmc.css", 200)):
            response = browser.get(url)
            assert response.status_code == status, url
            assert "server" not in response.headers, url
            _check_headers(response)
        response = browser.get("/nope")
        assert response.status_code == 404
        assert "server" not in response.headers
        _check_headers(response)


def test_the_api_docs_are_served_from_hmc_itself(client: TestClient) -> None:
    """Swagger UI's page used to load its script and styles from a CDN, with an inline script."""
    html = client.get("/docs").text
    assert "http://" not in html and "https://" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(
        'src="/' in attributes and not body.strip() for attributes, body in scripts
    )
    assets = re.findall(r'(?:src|href)="(/[^"]+)"', html)
    assert len(assets) >= 4
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert '"/openapi.json"' in client.get("/docs/docs.js").text
    assert client.get("/redoc").status_code == 404  # it would load its script from a CDN


# --- sign-in at the edges --------------------------------------------------------------------
def _error(response: httpx.Response) -> dict[str, object]:
    """The API's one error shape, and nothing else in the body."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])


PAGES = [
    "/",
    f"{PIC}?as_of=2007-06-30",
    f"{PIC}?as_of=2007-06-30&lang=ar",
    "/commissions/nope",  # unsigned, an unknown commission is not told apart from a known one
    "/account",
    "/docs",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_without_sign_in_leads_to_the_sign_in_page_and_back(
    anonymous: TestClient, url: str
) -> None:
    for method in ("GET", "HEAD"):
        response = anonymous.request(method, url)
        assert response.status_code == 303
        lang = "ar" if "lang=ar" in url else None
        query = {"next": url, **({"lang": lang} if lang else {})}
        assert response.headers["location"] == f"/sign-in?{urlencode(query)}"
        assert "set-cookie" not in response.headers or COOKIE not in response.headers["set-cookie"]
    form = anonymous.get(response.headers["location"])
    assert form.status_code == 200
    assert f'<html lang="{lang or "en"}"' in form.text  # the sign-in page in the page's language
    assert f'name="next" value="{html.escape(url)}"' in form.text
    other = {"lang": "en" if lang else "ar"} | ({"next": url} if url != "/" else {})
    assert f'href="{html.escape(f"/sign-in?{urlencode(other)}")}"' in form.text  # keeps "next"
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    done = anonymous.post(
        "/sign-in",
        data={"username": "us-analyst", "password": DEMO_PASSWORD, "token": token.group(1)}
        | {"next": url},
    )
    assert done.status_code == 303 and done.headers["location"] == url
    assert anonymous.get(url).status_code == (404 if "nope" in url else 200)


@pytest.mark.parametrize(
    "elsewhere", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_signing_in_never_leads_to_another_site(anonymous: TestClient, elsewhere: str) -> None:
    form = anonymous.get("/sign-in", params={"next": elsewhere})
    assert 'name="next" value="/"' in form.text
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    done = anonymous.post(
        "/sign-in",
        data={"username": "us-analyst", "password": DEMO_PASSWORD, "token": token.group(1)}
        | {"next": elsewhere},  # sent as is, whatever the form said
    )
    assert done.status_code == 303 and done.headers["location"] == "/"


API = [
    "/api/commissions",
    f"/api{PIC}/status?as_of=2007-06-30",
    f"/api{PIC}/status?as_of=2007-13-45",  # refused for want of sign-in before the date is read
    f"/api{PIC}/indicators/sigacts/series",
    "/api/commissions/nope/status",
    "/openapi.json",
]


NO_ONE = {
    "none": {},
    "unknown token": {"authorization": "Bearer hmc_forged"},
    "not a bearer token": {"authorization": "Basic dXM6cHc="},
    "unknown session": {"cookie": f"{COOKIE}=forged"},
}


@pytest.mark.parametrize("url", API)
@pytest.mark.parametrize("credentials", NO_ONE.values(), ids=NO_ONE.keys())
def test_an_api_call_without_sign_in_is_a_401_that_asks_for_a_token(
    anonymous: TestClient, url: str, credentials: dict[str, str]
) -> None:
    response = anonymous.get(url, headers=credentials)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = _error(response)
    assert error["code"] == "not_signed_in" and error["details"] == {}
    assert "sign in" in str(error["message"]) or "token" in str(error["message"])
    _check_headers(response)


def test_an_error_page_shows_a_visitor_nothing_from_the_database(
    client: TestClient, anonymous: TestClient
) -> None:
    """A 404 or 405 page used to list the commissions, by name, to anyone."""
    for method, url, status in (("GET", "/nope", 404), ("DELETE", PIC, 405)):
        visitor = anonymous.request(method, url)
        assert visitor.status_code == status
        assert "/commissions/hmc-iraq-2024" not in visitor.text
        assert "Higher Military Commission" not in visitor.text
        member = client.request(method, url)
        assert member.status_code == status
        assert 'href="/commissions/hmc-iraq-2024"' in member.text


def test_a_change_without_sign_in_is_refused_not_redirected(anonymous: TestClient) -> None:
    for url in ("/sign-out", "/account/password"):
        response = anonymous.post(url, data={"current": "x" * 12, "new": "y" * 12})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("text/html")


def test_the_health_check_needs_no_sign_in(anonymous: TestClient) -> None:
    response = anonymous.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": hmc.__version__}
    assert "set-cookie" not in response.headers


def test_the_health_check_says_503_when_the_database_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "none.db"
    monkeypatch.setenv("HMC_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        with TestClient(create_app(), follow_redirects=False) as anyone:
            response = anyone.get("/api/health")
            assert response.status_code == 503
            error = _error(response)
            assert error["code"] == "database_unavailable"
            assert "run 'hmc init' to create it" in str(error["message"])
            # without its database the server cannot tell who is signed in: 503, not 401
            assert anyone.get("/api/commissions").status_code == 503
            assert anyone.get("/").status_code == 503
            assert anyone.get("/sign-in").status_code == 200  # the form needs no database
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        get_engine.cache_clear()
    assert not path.exists()  # never created by the server


def test_the_api_documentation_needs_sign_in(anonymous: TestClient) -> None:
    schema = anonymous.get("/openapi.json")
    assert schema.status_code == 401 and schema.headers["www-authenticate"] == "Bearer"
    assert _error(schema)["code"] == "not_signed_in"
    page = anonymous.get("/docs")
    assert page.status_code == 303 and page.headers["location"] == "/sign-in?next=%2Fdocs"
    assert anonymous.get("/docs/docs.js").status_code == 200  # Swagger UI's own files are open
    sign_in(anonymous, "iq-observer")
    schema = anonymous.get("/openapi.json")
    assert schema.status_code == 200 and "/api/commissions" in schema.json()["paths"]
    page = anonymous.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


@pytest.fixture
def own_demo(demo_copy: Engine) -> Iterator[TestClient]:
    """A client, not signed in, of an app on a demo database of the test's own."""
    with TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False) as test:
        yield test


def test_a_personal_token_opens_the_api_until_it_is_revoked(
    own_demo: TestClient, demo_copy: Engine
) -> None:
    with session_scope(demo_copy) as session:
        token = create_token(session, actor=SYSTEM, username="iq-analyst", name="scripts")
    bearer = {"authorization": f"Bearer {token}"}
    for url in ("/api/commissions", f"/api{PIC}/status?as_of=2007-06-30", "/openapi.json"):
        assert own_demo.get(url, headers=bearer).status_code == 200, url
    assert "set-cookie" not in own_demo.get("/api/commissions", headers=bearer).headers
    with session_scope(demo_copy) as session:
        (listed,) = list_tokens(session, username="iq-analyst")
        revoke_token(session, actor=SYSTEM, token_id=listed.id)
    response = own_demo.get("/api/commissions", headers=bearer)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert "not valid" in str(_error(response)["message"])


def test_a_signed_out_session_opens_nothing(own_demo: TestClient) -> None:
    csrf = sign_in(own_demo, "iq-member")
    session = own_demo.cookies[COOKIE]
    assert own_demo.get("/api/commissions").status_code == 200
    out = own_demo.post("/sign-out", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert COOKIE not in own_demo.cookies  # the browser forgets it
    stolen = {"cookie": f"{COOKIE}={session}"}  # and the server no longer takes it
    assert own_demo.get("/api/commissions", headers=stolen).status_code == 401
    assert own_demo.get("/", headers=stolen).status_code == 303
