"""Bad input gets a clear error and loses nothing.

The API answers every malformed request in one JSON shape and never with a 500; the pages
answer with a page; the command line prints one red ``Error:`` line naming what is wrong,
exits 1 (2 for a usage error), never shows a traceback and writes nothing.
"""

from __future__ import annotations

import gzip
import importlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import fastapi.params
import fastapi.routing
import httpx
import pytest
import uvicorn
from alembic import command
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from conftest import sign_in
from hmc.app import create_app, is_api
from hmc.cli import app
from hmc.domain.days import EARLIEST, LATEST
from hmc.evidence.models import Event, ImportBatch, Observation, Source
from hmc.framework.models import Commission
from hmc.framework.service import shipped_commissions
from hmc.settings import get_settings
from hmc.storage import get_engine, session_scope
from hmc.storage.engine import alembic_config
from serving import serving

runner = CliRunner()
PIC = "pic-iraq-2006"
IRAQ_TOML = next(p for p in shipped_commissions() if p.stem == "hmc-iraq-2024")
ESOC_HEADER = (
    "governorate,stata_week,week_start,SIGACT,SIG_1,df,idf,suicide,ied_attack,ied_clear,ied_total"
)
ESOC_ROW = "Anbar,2292,2004-01-29,3,3,1,0,0,2,0,2"


# --- the API ---------------------------------------------------------------------------------
@pytest.fixture
def client(demo_sessions: Engine) -> Iterator[TestClient]:
    get_engine.cache_clear()  # the app's engine: the demo's copy to sign in to, whatever ran before
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        sign_in(test_client)
        yield test_client


def _error(response: httpx.Response) -> dict[str, object]:
    """The error of an API response, after checking it has the one shape and nothing else."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert isinstance(error["details"], dict)
    assert "Traceback" not in response.text
    return dict(error)


STATUS = f"/api/commissions/{PIC}/status"
SERIES = f"/api/commissions/{PIC}/indicators/sigacts/series"
BAD_DATES = [
    "30/06/2007",
    "20070630",  # ISO 8601 "basic": the pages took it, the API did not
    "1183161600",  # a Unix time: the API took it, the pages did not
    "2007-06-30T00:00",
    " 2007-06-30",
    "2007-06-30\x00",
    "٢٠٠٧-٠٦-٣٠",  # Arabic-Indic digits
    "",
]


@pytest.mark.parametrize("url", [STATUS, SERIES])
@pytest.mark.parametrize("bad", BAD_DATES)
def test_a_malformed_date_is_a_422_that_says_the_form(
    client: TestClient, url: str, bad: str
) -> None:
    response = client.get(url, params={"as_of": bad})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid_request"
    problem = f'"{bad}" is not a date (expected YYYY-MM-DD)'
    assert error["message"] == f"query.as_of: {problem}"
    assert error["details"] == {"problems": [{"field": "query.as_of", "message": problem}]}


NO_SUCH_DAYS = [
    ("2024-13-01", "there is no month 13"),
    ("2007-13-45", "there is no month 13"),
    ("0000-00-00", "there is no month 0"),
    ("0000-01-01", "there is no year 0"),
    ("2007-06-00", "there is no day 0"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("2007-02-30", "February 2007 has 28 days"),
    ("2007-06-31", "June 2007 has 30 days"),
]


@pytest.mark.parametrize("url", [STATUS, SERIES])
@pytest.mark.parametrize(("bad", "reason"), NO_SUCH_DAYS)
def test_an_impossible_date_says_it_is_not_a_valid_date(
    client: TestClient, url: str, bad: str, reason: str
) -> None:
    """It used to say "is not a date (expected YYYY-MM-DD)", though it had that form."""
    response = client.get(url, params={"as_of": bad})
    assert response.status_code == 422
    error = _error(response)
    assert error["message"] == f'query.as_of: "{bad}" is not a valid date ({reason})'


@pytest.mark.parametrize(("bad", "reason"), NO_SUCH_DAYS[::4])
def test_pages_say_why_a_date_is_not_valid(client: TestClient, bad: str, reason: str) -> None:
    response = client.get(f"/commissions/{PIC}", params={"as_of": bad})
    assert response.status_code == 422
    assert "Invalid date" in response.text
    assert f"“<code>{bad}</code>” is not a valid date ({reason})." in response.text
    arabic = client.get(f"/commissions/{PIC}", params={"as_of": bad, "lang": "ar"})
    assert arabic.status_code == 422
    assert "ليس تاريخًا صالحًا في التقويم" in arabic.text and reason not in arabic.text


@pytest.mark.parametrize("url", [STATUS, SERIES])
@pytest.mark.parametrize(
    "far", ["0001-01-01", "0001-01-06", "1899-12-31", "2200-01-01", "9999-12-31"]
)
def test_a_date_outside_the_range_is_a_422_not_a_500(
    client: TestClient, url: str, far: str
) -> None:
    """0001-01-01 used to overflow in the gates (500); 9999-12-31 took ten times as long."""
    response = client.get(url, params={"as_of": far})
    assert response.status_code == 422
    error = _error(response)
    assert error["message"] == (
        f"query.as_of: {far} is outside the dates hmc works with (1900-01-01 to 2199-12-31)"
    )


@pytest.mark.parametrize("edge", ["1900-01-01", "2199-12-31"])
def test_the_first_and_last_dates_are_answered(client: TestClient, edge: str) -> None:
    response = client.get(STATUS, params={"as_of": edge})
    assert response.status_code == 200
    assert response.json()["as_of"] == edge
    assert client.get(SERIES, params={"as_of": edge}).status_code == 200
    assert client.get(f"/commissions/{PIC}", params={"as_of": edge}).status_code == 200


def test_a_very_long_value_is_not_echoed_whole(client: TestClient) -> None:
    response = client.get(STATUS, params={"as_of": "7" * 10_000})
    assert response.status_code == 422
    message = str(_error(response)["message"])
    assert len(message) < 120 and message.endswith('…" is not a date (expected YYYY-MM-DD)')


@pytest.mark.parametrize("period", ["WEEK", "year", "", "week "])
def test_an_unknown_period_names_the_known_ones(client: TestClient, period: str) -> None:
    response = client.get(SERIES, params={"period": period})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid_request"
    assert error["message"] == "query.period: Input should be 'week' or 'month'"


@pytest.mark.parametrize(
    ("url", "params", "details", "known"),
    [
        ("/api/commissions/nope/status", {}, {"commission": "nope"}, "hmc-iraq-2024"),
        (
            "/api/commissions/nope/indicators/sigacts/series",
            {},
            {"commission": "nope"},
            "hmc-iraq-2024, pic-iraq-2006",
        ),
        (
            f"/api/commissions/{PIC}/indicators/nope/series",
            {},
            {"indicator": "nope"},
            "(known: sigacts, ",
        ),
        (SERIES, {"area": "atlantis"}, {"area": "atlantis"}, "(known: anbar, babil, baghdad, "),
        (SERIES, {"area": ""}, {"area": ""}, "(known: anbar, "),
    ],
)
def test_unknown_ids_are_404s_that_name_them_and_the_known_ones(
    client: TestClient, url: str, params: dict[str, str], details: dict[str, str], known: str
) -> None:
    response = client.get(url, params=params)
    assert response.status_code == 404
    error = _error(response)
    assert error["code"] == "not_found" and error["details"] == details
    message = str(error["message"])
    assert f'"{next(iter(details.values()))}"' in message
    assert known in message and len(message) < 300


@pytest.mark.parametrize("area", ["Baghdad", "BAGHDAD", "baghdad", "bAgHdAd"])
def test_area_ids_match_in_any_case(client: TestClient, area: str) -> None:
    response = client.get(SERIES, params={"area": area, "as_of": "2004-03-01"})
    assert response.status_code == 200
    assert response.json()[0] == {"period_start": "2004-01-26", "value": 7.0}


@pytest.mark.parametrize(
    "url",
    [
        f"/api/commissions/{'x' * 3000}/status",
        f"/api/commissions/{PIC}/indicators/{'x' * 3000}/series",
        f"{SERIES}?area={'x' * 3000}",
    ],
)
def test_a_404_does_not_echo_a_long_id_whole(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    error = _error(response)
    message = str(error["message"])
    assert len(message) < 300 and "x" * 81 not in message and "x…" in message
    details = error["details"]
    assert isinstance(details, dict) and all(len(str(v)) <= 80 for v in details.values())


def test_series_per_area_and_per_month(client: TestClient) -> None:
    weekly = client.get(SERIES, params={"area": "baghdad", "as_of": "2004-03-01"})
    assert weekly.status_code == 200
    assert weekly.json()[0] == {"period_start": "2004-01-26", "value": 7.0}
    monthly = client.get(SERIES, params={"area": "baghdad", "period": "month"})
    assert monthly.status_code == 200 and monthly.json()[0]["period_start"].endswith("-01")


def test_an_area_for_a_nationwide_indicator_is_refused(client: TestClient) -> None:
    """It used to answer the nationwide values, as if they were the area's."""
    url = "/api/commissions/hmc-iraq-2024/indicators/isis_incidents/series"
    response = client.get(url, params={"area": "federal-iraq"})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid_request"
    assert error["message"] == (
        'indicator "isis_incidents" is measured nationwide, not per area (leave out "area")'
    )
    assert error["details"] == {"indicator": "isis_incidents", "area": "federal-iraq"}
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD"])
@pytest.mark.parametrize("url", ["/api/commissions", STATUS, SERIES])
def test_another_method_is_a_405_that_says_which_one(
    client: TestClient, method: str, url: str
) -> None:
    response = client.request(method, url)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    if method != "HEAD":
        error = _error(response)
        assert error["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "url", ["/api/nope", "/api/commissions/x/y/z", "/api", "/api/commissions/pic-iraq-2006"]
)
def test_an_unknown_api_path_is_a_json_404(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


@pytest.mark.parametrize("url", ["/", f"/commissions/{PIC}", "/static/vega.js", "/static/hmc.css"])
def test_pages_answer_head(client: TestClient, url: str) -> None:
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    "url",
    [
        "/static/../../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fapi%2fapp.py",
        "/static/%2e%2e/routes.py",
        "/static/hmc.css%00",
    ],
)
def test_static_files_stay_in_their_folder(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "def " not in response.text and "[project]" not in response.text


@pytest.mark.parametrize("far", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_pages_say_a_date_is_outside_the_range(client: TestClient, far: str) -> None:
    """It used to say that 0001-01-01 "is not a date"."""
    for url in ("/", f"/commissions/{PIC}"):
        response = client.get(url, params={"as_of": far})
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("text/html")
        assert "Date out of range" in response.text and "is not a date" not in response.text
        said = f"is outside the dates hmc works with ({EARLIEST} to {LATEST})."
        assert f"“<code>{far}</code>” {said}" in response.text
    arabic = client.get(f"/commissions/{PIC}", params={"as_of": far, "lang": "ar"}).text
    assert "تاريخ خارج النطاق" in arabic and f"{EARLIEST}" in arabic and f"{LATEST}" in arabic


def test_pages_show_a_unix_time_as_a_bad_date(client: TestClient) -> None:
    for url in ("/", f"/commissions/{PIC}"):
        response = client.get(url, params={"as_of": "1183161600"})
        assert response.status_code == 422
        assert "Invalid date" in response.text and "Use the form YYYY-MM-DD" in response.text


SWEEP = [
    "2007-13-45",
    "0001-01-01",
    "x" * 3000,
    "ü🙂نص",
    "%00",
    "../..",
    "-1",
    "99999999999999999999",
    "<script>",
]


# A valid value of each path parameter (any other: "1"), for the parameters not swept.
VALID = {"commission_id": PIC, "key": "sigacts", "name": "docs.js"}
# Routes that take a date: a malformed value there is a 404 or a 422, never anything else.
STRICT = {
    "/api/commissions/{commission_id}/status",
    "/api/commissions/{commission_id}/indicators/{key}/series",
}


def _routes(client: TestClient) -> list[tuple[str, set[str], APIRoute]]:
    """Every route of the app: its path template, its methods, and the route."""
    app = client.app
    assert isinstance(app, FastAPI)
    contexts = getattr(fastapi.routing, "iter_route_contexts", None)  # newer FastAPI nests them
    found = (
        [(c.path, c.methods, c.original_route) for c in contexts(app.routes)]
        if contexts is not None
        else [(r.path, r.methods, r) for r in app.routes]
    )
    return [(p, set(m), r) for p, m, r in found if isinstance(r, APIRoute)]


def _filled(template: str, **values: str) -> str:
    """``template`` with its path parameters set: to ``values``, else to a valid value."""
    names = re.findall(r"{(\w+)}", template)
    return template.format(**{n: values.get(n, VALID.get(n, "1")) for n in names})


def _urls(template: str, bad: str) -> list[str]:
    """``template`` with each path parameter in turn set to ``bad`` (none: no URL)."""
    segment = bad.replace("/", "%2F").replace("%00", "%2500")
    return [_filled(template, **{name: segment}) for name in re.findall(r"{(\w+)}", template)]


@pytest.fixture
def own(demo_copy: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """A signed-in client on a demo database of its own, and the header its changes carry."""
    with TestClient(create_app(), raise_server_exceptions=False, follow_redirects=False) as test:
        yield test, {"X-CSRF-Token": sign_in(test)}


def test_no_route_answers_500_to_malformed_values(own: tuple[TestClient, dict[str, str]]) -> None:
    """Every route and method, each parameter set to something malformed, signed in: the API's
    routes from its OpenAPI document, the pages' from the app. A change is sent with its CSRF
    token, on a database of the test's own (one that went through would change nothing shared).
    """
    client, csrf = own
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/health", "/api/commissions", *STRICT} <= set(paths)
    seen = 0
    for template, operations in paths.items():
        for method, operation in operations.items():
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for bad in SWEEP:
                for url in [template] if "{" not in template else _urls(template, bad):
                    response = client.request(method, url, headers=csrf)
                    seen += 1
                    assert response.status_code < 500, (method, url, response.text)
                    if response.status_code >= 400:
                        _error(response)
                for name in query:
                    url = _filled(template)
                    response = client.request(method, url, params={name: bad}, headers=csrf)
                    seen += 1
                    assert response.status_code < 500, (method, url, name, response.text)
                    if template in STRICT:
                        assert response.status_code in (404, 422), (url, name, response.text)
                    if response.status_code >= 400:
                        _error(response)
    for page in ("/", f"/commissions/{PIC}", "/commissions/nope"):
        for bad in SWEEP:
            response = client.get(page, params={"as_of": bad, "lang": bad})
            seen += 1
            assert response.status_code in (404, 422), (page, bad)
            assert "Traceback" not in response.text and "<script>" not in response.text
    pages = [(t, m, r) for t, m, r in _routes(client) if not is_api(t)]
    assert {"/", "/commissions/{commission_id}", "/sign-in", "/account", "/docs"} <= {
        t for t, _, _ in pages
    }
    for template, methods, route in pages:
        fields = get_flat_params(route.dependant)
        query = [f.alias for f in fields if isinstance(f.field_info, fastapi.params.Query)]
        for method in methods - {"HEAD"}:
            for bad in SWEEP:
                asked = [(url, {}) for url in _urls(template, bad)]  # a change: only its address
                if method == "GET":
                    asked += [(_filled(template), {name: bad for name in query})] if query else []
                for url, params in asked:
                    response = client.request(method, url, params=params, headers=csrf)
                    seen += 1
                    assert response.status_code < 500, (method, url, params, response.text)
                    assert "Traceback" not in response.text and "<script>" not in response.text
    assert seen > 150


def test_an_unexpected_failure_is_a_500_in_the_same_shape_without_its_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret: the table is corrupt at /var/lib/hmc")

    monkeypatch.setattr("hmc.api.routes.list_commissions", broken)
    response = client.get("/api/commissions")
    assert response.status_code == 500
    error = _error(response)
    assert error == {
        "code": "internal",
        "message": "an unexpected error occurred; it has been logged",
        "details": {},
    }
    assert "secret" not in response.text


@pytest.mark.parametrize(
    ("url", "broken", "kind"),
    [
        ("/api/commissions", "hmc.api.routes.list_commissions", "application/json"),
        (f"/commissions/{PIC}", "hmc.web.routes.status", "text/html"),
    ],
)
def test_a_500_is_logged_once(
    demo_sessions: Engine,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    url: str,
    broken: str,
    kind: str,
) -> None:
    """It was logged twice, two long tracebacks: by hmc, then again by the server."""

    def fail(*_: object, **__: object) -> None:
        raise RuntimeError("secret: the table is corrupt at /var/lib/hmc")

    monkeypatch.setattr(broken, fail)
    get_engine.cache_clear()
    with serving() as base, httpx.Client(base_url=base) as browser:
        sign_in(browser)
        caplog.clear()
        response = browser.get(url)
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(kind)
    assert "secret" not in response.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].getMessage() == f"unexpected error on GET {url}"
    assert errors[0].exc_info is not None  # the one record keeps the traceback for whoever fixes it


@pytest.fixture
def database_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Points the app at a database URL of the test's choosing; settings restored after."""

    def point(url: str) -> None:
        monkeypatch.setenv("HMC_DATABASE_URL", url)
        get_settings.cache_clear()
        get_engine.cache_clear()

    yield point
    get_engine.cache_clear()
    monkeypatch.undo()
    get_settings.cache_clear()


def _unavailable(url: str, needles: list[str]) -> None:
    """The API and the pages answer 503 naming what to run; the server started all the same."""
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        # no one can be signed in: who is cannot be checked, so 503 rather than 401 or 303
        for url in ("/api/commissions", "/api/health"):
            response = client.get(url)
            assert response.status_code == 503
            error = _error(response)
            assert error["code"] == "database_unavailable"
            assert all(n in str(error["message"]) for n in needles), error["message"]
        for lang, title in (("en", "Service unavailable"), ("ar", "الخدمة غير متاحة")):
            page = client.get("/", params={"lang": lang})
            assert page.status_code == 503
            assert page.headers["content-type"].startswith("text/html")
            assert title in page.text and "hmc init" in page.text
        assert client.get("/static/hmc.css").status_code == 200


def test_a_missing_database_is_a_503_that_names_hmc_init(
    database_at: Callable[[str], None], tmp_path: Path
) -> None:
    path = tmp_path / "hmc.db"
    database_at(f"sqlite:///{path}")
    _unavailable(str(path), ["no database at", "run 'hmc init' to create it"])
    assert not path.exists()  # the server never creates it


def test_a_database_behind_the_code_is_a_503_and_is_left_as_it_is(
    database_at: Callable[[str], None], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    database_at(url)
    command.upgrade(alembic_config(get_engine()), "0001")
    _unavailable(url, ["is behind this hmc", "run 'hmc init' to upgrade it"])
    with get_engine().connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0001"


# --- the command line ------------------------------------------------------------------------
def _one_error_line(result: Result, *needles: str) -> str:
    """The single line a failed command printed: 'Error: ...', with every needle in it."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (ImportBatch, Event, Observation, Source, Commission)
        }


NOTHING = {"ImportBatch": 0, "Event": 0, "Observation": 0, "Source": 0, "Commission": 0}


def _write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "format", "needles"),
    [
        ("no[such].csv", None, "esoc-weekly", ["no[such].csv: no such file"]),
        ("folder", "dir", "esoc-weekly", ["folder: is a directory"]),
        ("empty.csv", b"", "esoc-weekly", ["empty.csv: the file is empty"]),
        ("header.csv", ESOC_HEADER + "\n", "esoc-weekly", ["header.csv: no data rows"]),
        ("binary.csv", bytes(range(256)) * 4, "esoc-weekly", ["binary.csv: not UTF-8 text"]),
        (
            "utf16.csv",
            (ESOC_HEADER + "\n" + ESOC_ROW + "\n").encode("utf-16"),
            "esoc-weekly",
            ["utf16.csv: UTF-16 text, not UTF-8 (save it as CSV UTF-8"],
        ),
        (
            "broken.csv.gz",
            gzip.compress((ESOC_HEADER + "\n" + ESOC_ROW + "\n").encode(), mtime=0)[:30],
            "esoc-weekly",
            ["broken.csv.gz: not a readable gzip file"],
        ),
        (
            "short.csv",
            "governorate,stata_week,week_start\nAnbar,2292,2004-01-29\n",
            "esoc-weekly",
            ['short.csv: missing column "SIGACT"', "the header has: governorate"],
        ),
        (
            "ragged.csv",
            f"{ESOC_HEADER}\n{ESOC_ROW}\nAnbar,2293\n",
            "esoc-weekly",
            ["ragged.csv: row 3: 2 fields, the header has 11"],
        ),
        (
            "late.csv",
            f"{ESOC_HEADER}\n{ESOC_ROW}\nAnbar,2293,2004-02-31,3,3,1,0,0,2,0,2\n",
            "esoc-weekly",
            [
                'late.csv: row 3, field "week_start": "2004-02-31" is not a valid date'
                " (February 2004 has 29 days)"
            ],
        ),
        ("good.csv", f"{ESOC_HEADER}\n{ESOC_ROW}\n", "esoc", ['unknown format "esoc"']),
    ],
)
def test_a_bad_import_is_one_error_line_and_writes_nothing(
    engine: Engine,
    tmp_path: Path,
    name: str,
    data: bytes | str | None,
    format: str,
    needles: list[str],
) -> None:
    path = tmp_path / name
    if data == "dir":
        path.mkdir()
    elif data is not None:
        _write(path, data)
    result = runner.invoke(app, ["import", str(path), "--format", format])
    _one_error_line(result, *needles)
    assert result.stdout == ""
    assert _counts(engine) == NOTHING


def test_an_import_without_a_format_detects_it(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path / "good.csv", f"{ESOC_HEADER}\n{ESOC_ROW}\n")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported good.csv as esoc-weekly: 1 rows" in result.stdout
    unknown = _write(tmp_path / "unknown.csv", "colour,size\nred,3\n")
    result = runner.invoke(app, ["import", str(unknown)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "esoc-weekly" in result.stderr and "ucdp-ged" in result.stderr  # each format tried


def test_a_good_import_twice_adds_once(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path / "good.csv", f"{ESOC_HEADER}\n{ESOC_ROW}\n")
    first = runner.invoke(app, ["import", str(path), "--format", "esoc-weekly"])
    assert first.exit_code == 0, first.output
    assert "imported good.csv as esoc-weekly: 1 rows" in first.stdout
    assert first.stderr == ""  # no progress bar residue when stderr is not a terminal
    again = runner.invoke(app, ["import", str(path), "--format", "esoc-weekly"])
    assert again.exit_code == 0 and "already imported" in again.stdout
    assert _counts(engine) == {**NOTHING, "ImportBatch": 1, "Observation": 6, "Source": 1}


def test_a_long_error_stays_on_one_line(engine: Engine, tmp_path: Path) -> None:
    """Rich wraps at the console width (200 here): an error line must not be cut in two."""
    path = tmp_path / ("evidence-" + "w" * 200 + ".csv")
    result = runner.invoke(app, ["import", str(path), "--format", "esoc-weekly"])
    line = _one_error_line(result, f"{path}: no such file")
    assert len(line) > 220


def _variant(tmp_path: Path, old: str, new: str, name: str = "mine.toml") -> Path:
    text = IRAQ_TOML.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path / name, text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        # each of these loaded, then failed later with a traceback (or took all the memory)
        (
            'not_before = "2025-09-30"',
            'not_before = "0001-01-01"',
            [
                "phase transition, gate kurdistan-region: not_before",
                "0001-01-01 is outside the dates hmc works with",
            ],
        ),
        (
            '{ value = 1, label = "Not capable"',
            '{ value = 99999999999999999999, label = "Not capable"',
            ["scale capability, level #1: value", "is too large"],
        ),
        (
            '{ value = 1, label = "Not capable"',
            '{ value = 3000000000, label = "Not capable"',
            [
                "scale capability, level #1: value",
                "3000000000 is too large (at most 2,147,483,647)",
            ],
        ),
        (
            'min_duration = "26w"',
            'min_duration = "99999999999w"',
            ["phase transition: min_duration", "99999999999w is too long"],
        ),
        (
            "threshold = 5\n",
            "threshold = nan\n",
            ["indicator isis_incidents: threshold", "nan is not a number hmc can use"],
        ),
        (
            'not_before = "2025-09-30"',
            "not_before = 2025-09-30T10:00:00",
            ["not_before", "expected a date (YYYY-MM-DD), not a date and time"],
        ),
        # dates as strict as everywhere else: these were read as a Unix time or midnight
        (
            'not_before = "2025-09-30"',
            'not_before = "1183161600"',
            ["not_before", '"1183161600" is not a date (expected YYYY-MM-DD)'],
        ),
        (
            'not_before = "2025-09-30"',
            "not_before = 1183161600",
            ["phase transition, gate kurdistan-region: not_before: expected a date (YYYY-MM-DD)"],
        ),
        (
            'not_before = "2025-09-30"',
            'not_before = "2025-09-30T00:00:00"',
            ["not_before", '"2025-09-30T00:00:00" is not a date (expected YYYY-MM-DD)'],
        ),
        (
            'not_before = "2025-09-30"',
            "not_before = 2025-09-30T00:00:00",
            ["not_before", "expected a date (YYYY-MM-DD), not a date and time"],
        ),
        (
            'not_before = "2025-09-30"',
            "not_before = 2200-01-01",
            ["not_before", "2200-01-01 is outside the dates hmc works with"],
        ),
        (
            'min_duration = "26w"',
            'min_duration = "26 weeks"',
            ['phase transition: min_duration: "26 weeks" is not a duration in weeks'],
        ),
        (
            'country = "iraq"',
            'country = "atlantis"',
            ["commission: country", 'no gazetteer for country "atlantis"'],
        ),
    ],
)
def test_a_config_hmc_cannot_compute_with_is_refused_on_loading(
    engine: Engine, tmp_path: Path, old: str, new: str, needles: list[str]
) -> None:
    path = _variant(tmp_path, old, new)
    line = _one_error_line(runner.invoke(app, ["init", str(path)]), str(path), *needles)
    assert ", line " in line and "Value error" not in line  # hmc's words, not Pydantic's
    assert _counts(engine) == NOTHING


def test_a_window_too_long_is_refused_on_loading(engine: Engine, tmp_path: Path) -> None:
    """The gate language refuses it, pointing at it: the line and key, then a caret."""
    old = "mean(isis_incidents, 4w) <= 5, 12w)"
    path = _variant(tmp_path, old, "mean(isis_incidents, 99999999999w) <= 5, 12w)")
    result = runner.invoke(app, ["init", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    first, shown, caret = result.stderr.splitlines()
    assert first.startswith(f"Error: {path}, line ")
    assert "phase transition, gate federal-iraq: when" in first
    assert "a window of 99999999999w is too long (at most 520w)" in first
    assert caret.index("^") == shown.index("99999999999w")
    assert _counts(engine) == NOTHING


@pytest.mark.parametrize(
    ("data", "needles"),
    [
        (None, ["cannot read the file (No such file or directory)"]),
        (b"\xff\xfe\x00[commission]", ["not UTF-8 text (byte 0 cannot be read)"]),
        ('id = "caf\xe9"'.encode("latin-1"), ["not UTF-8 text (byte 9 cannot be read)"]),
        ("not = toml = [[", [", line 1, column 7: invalid value"]),
        ("", [": the file is empty (expected a [commission] table)"]),
        ("# only a comment\n", [": the file is empty"]),
        ("[commission]\nid = 'x'\n", ["commission: name: missing (this key is required)"]),
    ],
)
def test_an_unreadable_config_is_one_error_line(
    engine: Engine, tmp_path: Path, data: bytes | str | None, needles: list[str]
) -> None:
    path = tmp_path / "mine.toml"
    if data is not None:
        _write(path, data)
    _one_error_line(runner.invoke(app, ["init", str(path)]), str(path), *needles)
    assert _counts(engine) == NOTHING


def test_init_loads_all_the_files_or_none(engine: Engine, tmp_path: Path) -> None:
    good = next(p for p in shipped_commissions() if p.stem == PIC)
    bad = _variant(tmp_path, 'factor = "operational-environment"', 'factor = "weather"')
    result = runner.invoke(app, ["init", str(good), str(bad)])
    _one_error_line(result, 'unknown factor "weather"')
    assert "loaded" not in result.stdout
    assert _counts(engine) == NOTHING


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("garbage", '"garbage" is not a date (expected YYYY-MM-DD)'),
        ("2007-13-45", '"2007-13-45" is not a valid date (there is no month 13)'),
        ("20070630", '"20070630" is not a date (expected YYYY-MM-DD)'),
        ("0001-01-01", "0001-01-01 is outside the dates hmc works with (1900-01-01 to 2199-12-31)"),
        ("9999-12-31", "9999-12-31 is outside the dates hmc works with (1900-01-01 to 2199-12-31)"),
    ],
)
@pytest.mark.parametrize("command", ["status", "indicators"])
def test_a_bad_as_of_is_one_error_line(
    demo_engine: Engine, command: str, value: str, problem: str
) -> None:
    result = runner.invoke(app, [command, "--commission", PIC, "--as-of", value])
    assert _one_error_line(result) == f"Error: --as-of: {problem}"


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that gets as far as serving fails at once instead of serving for ever."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the test got as far as starting a server")

    monkeypatch.setattr(uvicorn.Server, "run", refuse)


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_an_impossible_port_is_a_usage_error(no_serving: None, command: str, port: str) -> None:
    result = runner.invoke(app, [command, "--port", port])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.stderr
    assert "Traceback" not in result.output


def test_a_port_in_use_is_one_error_line(engine: Engine, no_serving: None) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port)])
    _one_error_line(result, f"cannot listen on 127.0.0.1:{port}", "in use")
    assert "hmc workspace on" not in result.stdout  # never announced


def test_a_host_that_does_not_exist_is_one_error_line(engine: Engine, no_serving: None) -> None:
    result = runner.invoke(app, ["serve", "--host", "no-such-host.invalid", "--port", "8799"])
    _one_error_line(result, '--host: cannot listen on "no-such-host.invalid"')


def test_serve_serves_and_stops_cleanly_on_ctrl_c(demo_sessions_db: Path) -> None:
    """The real script: it listens on the socket it bound, and Ctrl-C is a clean stop."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(sys.executable).with_name("hmc")
    env = {**os.environ, "HMC_DATABASE_URL": f"sqlite:///{demo_sessions_db}"}
    server = subprocess.Popen(
        [str(script), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health") as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr
                time.sleep(0.2)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
            sign_in(browser)
            assert browser.get("/api/commissions").status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert out.startswith(f"hmc workspace on http://127.0.0.1:{port} ")
    assert err == ""


@pytest.fixture
def database_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Lets a test point HMC_DATABASE_URL elsewhere; the cached settings are reset after."""
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()
    get_engine.cache_clear()


@pytest.mark.parametrize(
    ("command", "url", "needles"),
    [
        ("status", "garbage", ["HMC_DATABASE_URL is not a database URL"]),
        (
            "init",
            "sqlite:////no/such/folder/hmc.db",
            ["cannot open the database", "check HMC_DATABASE_URL"],
        ),
        (  # a command that only reads creates nothing, and says which command does
            "status",
            "sqlite:////no/such/folder/hmc.db",
            ["no database at sqlite:////no/such/folder/hmc.db; run 'hmc init'"],
        ),
        (
            "status",
            "mysql://someone:hunter2@db.example/hmc",
            ["needs a driver that is not installed"],
        ),
    ],
)
def test_a_database_that_cannot_be_opened_is_one_error_line(
    database_url: pytest.MonkeyPatch, command: str, url: str, needles: list[str]
) -> None:
    database_url.setenv("HMC_DATABASE_URL", url)
    get_settings.cache_clear()
    get_engine.cache_clear()
    line = _one_error_line(runner.invoke(app, [command]), *needles)
    assert "hunter2" not in line


def test_a_file_that_is_not_a_database_is_one_error_line(
    database_url: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    notes = _write(tmp_path / "notes.txt", "these are notes, not a database\n" * 100)
    database_url.setenv("HMC_DATABASE_URL", f"sqlite:///{notes}")
    get_settings.cache_clear()
    get_engine.cache_clear()
    _one_error_line(runner.invoke(app, ["status"]), "file is not a database")


def test_a_bug_is_one_error_line_not_a_traceback(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise OverflowError("date value out of range")

    # the command imports the service when it runs: patched in its module, it is what runs
    monkeypatch.setattr(importlib.import_module("hmc.timeline.glance"), "glance", broken)
    result = runner.invoke(app, ["status"])
    line = _one_error_line(result, "unexpected OverflowError: date value out of range")
    assert "this is a bug in hmc" in line
