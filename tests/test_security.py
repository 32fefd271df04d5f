"""Security headers on every answer, no server banner, and API docs that need no network."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from hmc.app import create_app
from hmc.storage import get_engine
from serving import serving

PIC = "/commissions/pic-iraq-2006"


@pytest.fixture
def client(demo_engine: Engine) -> Iterator[TestClient]:
    get_engine.cache_clear()
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


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


ANSWERS = [
    ("GET", "/api/commissions", 200),
    ("GET", f"/api{PIC}/status?as_of=2007-06-30", 200),
    ("GET", f"/api{PIC}/status?as_of=2007-13-45", 422),
    ("GET", "/api/nope", 404),
    ("POST", "/api/commissions", 405),
    ("GET", "/openapi.json", 200),
    ("GET", "/docs", 200),
    ("GET", "/docs/docs.js", 200),
    ("GET", "/docs/swagger-ui-bundle.js", 200),
    ("GET", "/docs/index.html", 404),
    ("GET", "/", 200),
    ("HEAD", PIC, 200),
    ("GET", f"{PIC}?as_of=yesterday", 422),
    ("GET", "/commissions/nope", 404),
    ("GET", "/nope", 404),
    ("DELETE", PIC, 405),
    ("GET", "/static/hmc.css", 200),
    ("GET", "/static/vega.js", 200),
    ("GET", "/static/nope.css", 404),
]


@pytest.mark.parametrize(("method", "url", "status"), ANSWERS)
def test_every_answer_has_the_security_headers(
    client: TestClient, method: str, url: str, status: int
) -> None:
    response = client.request(method, url)
    assert response.status_code == status
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


def test_a_real_server_sends_no_banner(demo_engine: Engine) -> None:
    get_engine.cache_clear()
    with serving() as base:
        for url in ("/api/commissions", "/", "/static/hmc.css", "/nope"):
            response = httpx.get(f"{base}{url}")
            assert "server" not in response.headers, url
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
