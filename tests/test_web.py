"""The web workspace and the JSON API, through FastAPI's test client on the demo database."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from conftest import sign_in
from hmc.accounts import add_member
from hmc.actor import Actor
from hmc.app import create_app
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import get_engine, session_scope

PIC = "/commissions/pic-iraq-2006"


class _Rows(HTMLParser):
    """The rows of the tables with a given class: first text of the row → the cells' text."""

    def __init__(self, table_class: str) -> None:
        super().__init__()
        self.table_class = table_class
        self.depth = 0
        self.tables: list[dict[str, list[str]]] = []
        self.cells: list[str] | None = None
        self.key = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self.table_class in (dict(attrs).get("class") or "").split():
            self.depth = 1
            self.tables.append({})
        elif self.depth and tag == "tbody":
            self.depth = 2
        elif self.depth == 2 and tag == "tr":
            self.cells, self.key = [], ""
        elif self.cells is not None and tag in ("th", "td"):
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth = 0
        elif tag == "tr" and self.cells:
            self.tables[-1][self.key] = [" ".join(c.split()) for c in self.cells]
            self.cells = None

    def handle_data(self, data: str) -> None:
        if self.cells:
            self.cells[-1] += data
            self.key = self.key or data.strip()


def rows(html: str, table_class: str, index: int | None = None) -> dict[str, list[str]]:
    """The body rows, by their first text, of the tables of class ``table_class`` (or one)."""
    parser = _Rows(table_class)
    parser.feed(html)
    if index is not None:
        return parser.tables[index]
    return {key: cells for table in parser.tables for key, cells in table.items()}


@pytest.fixture
def client(demo_sessions: Engine) -> Iterator[TestClient]:
    get_engine.cache_clear()  # the app's engine: the demo's copy to sign in to, whatever ran before
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        sign_in(test_client)
        yield test_client


def test_default_dashboard_shows_commission_indicators_and_gates(client: TestClient) -> None:
    response = client.get("/", params={"as_of": "2024-01-31"})
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en" dir="ltr">' in html
    assert "US–Iraq Higher Military Commission" in html
    assert "United States" in html and "Republic of Iraq" in html
    assert 'value="2024-01-31"' in html
    assert 'href="/commissions/pic-iraq-2006?as_of=2024-01-31"' in html  # the switcher
    indicators = rows(html, "indicators")
    attacks = indicators["Attacks on US forces in Iraq and Syria per week"]
    assert attacks[1:5] == ["7.0 attacks / week", "≤ 1", "✗ not met", "2024-01-22"]
    # the demo's exercise round was signed on 2024-01-25: its joint rating counts from then
    assert indicators["Counter-terrorism"][1:4] == ["4.0", "≥ 4", "✓ met"]
    before = rows(client.get("/", params={"as_of": "2024-01-24"}).text, "indicators")
    assert before["Counter-terrorism"][1:4] == [
        "no data — not yet rated",
        "≥ 4",
        "? unknown",
    ]
    isis = indicators["Incidents by the Islamic State per week"]
    assert isis[1] == "no data last known: 2.3 · 2022-03-28"  # too old to be current
    gates = rows(html, "gates", 0)  # the gates of the first phase that has any
    assert gates["Federal Iraq"][1] == "? unknown"
    assert gates["Kurdistan Region"][1:6] == [
        "✗ not held",
        gates["Kurdistan Region"][2],
        "2025-09-30",
        "2026-09-30",
        "date: not before 2025-09-30",
    ]
    assert rows(html, "gates", 1)["Federal Iraq"][1] == "✗ not held"
    assert "<code" in html and "sustained(mean(isis_incidents, 4w) &lt;= 5, 12w)" in html


def test_pic_dashboard_gates_per_governorate(client: TestClient) -> None:
    response = client.get(PIC, params={"as_of": "2007-06-30"})
    assert response.status_code == 200
    html = response.text
    assert "Provincial Iraqi Control, 2006–2008" in html
    assert "Multi-National Force – Iraq" in html
    gates = rows(html, "gates")
    assert len(gates) == 18
    assert gates["Muthanna"][1:3] == [
        "✓ held",
        "sustained(mean(sigacts, 4w) <= 5, 12w) and mean(ied_attacks, 4w) <= 2",
    ]
    assert gates["Muthanna"][3:6] == ["2006-07-01", "—", "conditions held"]
    assert gates["Baghdad"][1] == "✗ not held"
    assert gates["Baghdad"][5] == "conditions not met"
    assert "✓ 7 held" in " ".join(html.replace("&nbsp;", " ").split())
    areas = rows(html, "areas")
    assert len(areas) == 18
    assert areas["Baghdad"][1] == "781 ✗ not met"
    assert areas["Muthanna"][1] == "0.0 ✓ met"
    # the page agrees with the JSON API, area by area
    api = client.get(f"/api{PIC}/status", params={"as_of": "2007-06-30"}).json()
    words = {True: "✓ held", False: "✗ not held", None: "? unknown"}
    for gate in api["gates"]:
        assert gates[gate["area_name"]][1] == words[gate["held"]], gate["area_name"]


def test_pic_trend_charts_are_vega_lite_specs(client: TestClient) -> None:
    html = client.get(PIC, params={"as_of": "2007-06-30"}).text
    assert html.count("data-chart=") == 3
    found = re.search(r'<script type="application/json" id="chart-sigacts">(.*?)</script>', html)
    assert found is not None
    spec = json.loads(found.group(1))
    assert len(spec["data"]["values"]) == 26
    assert spec["data"]["values"][-1] == {"week": "2007-06-18", "value": 1618.0}
    assert spec["layer"][1]["mark"]["type"] == "rule"
    assert spec["layer"][1]["encoding"]["y"]["datum"] == 5.0
    assert '<script type="module" src="/static/vega.js"></script>' in html


def test_changing_the_date_changes_the_gates(client: TestClient) -> None:
    before = rows(client.get(PIC, params={"as_of": "2007-06-30"}).text, "gates")
    after = rows(client.get(PIC, params={"as_of": "2008-09-30"}).text, "gates")
    assert before["Dhi Qar"][1] == "✗ not held"
    assert after["Dhi Qar"][1] == "✓ held"
    assert after["Baghdad"][1] == "✗ not held"


@pytest.mark.parametrize("bad", ["2007-13-45", "yesterday", "30/06/2007", "<script>x</script>"])
def test_a_bad_date_gives_a_friendly_422_page(client: TestClient, bad: str) -> None:
    response = client.get(PIC, params={"as_of": bad})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "Invalid date" in response.text
    assert "Use the form YYYY-MM-DD" in response.text
    assert "<script>x" not in response.text  # escaped, never echoed raw
    assert client.get("/", params={"as_of": bad}).status_code == 422


@pytest.mark.parametrize("params", [{}, {"as_of": ""}])
def test_without_a_date_a_replay_opens_on_its_own(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get(PIC, params=params)
    assert response.status_code == 200
    assert '<time datetime="2007-06-30">2007-06-30</time>' in response.text
    assert 'href="/commissions/hmc-iraq-2024"' in response.text  # no date carried over


def test_an_unknown_commission_is_a_404_page_that_names_it(client: TestClient) -> None:
    response = client.get("/commissions/afghanistan-2011")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "afghanistan-2011" in response.text
    assert 'href="/commissions/pic-iraq-2006"' in response.text


def test_static_files_and_the_vega_bundle_are_served(client: TestClient) -> None:
    vega = client.get("/static/vega.js")
    assert vega.status_code == 200
    assert vega.headers["content-type"].startswith("text/javascript")
    assert "window.vegaEmbed" in vega.text and len(vega.content) > 100_000
    assert client.get("/static/vega.js").content == vega.content
    for name in ("hmc.css", "hmc.js", "favicon.svg"):
        assert client.get(f"/static/{name}").status_code == 200, name


def test_arabic_is_right_to_left_with_translated_labels(client: TestClient) -> None:
    html = client.get(PIC, params={"as_of": "2007-06-30", "lang": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in html
    assert "المراحل والبوابات" in html  # "Phases and gates"
    assert "Significant acts per week" in html  # names stay as configured
    gates = rows(html, "gates")  # areas by their configured Arabic names
    assert gates["المثنى"][1] == "✓ تحقق"
    assert gates["بغداد"][1] == "✗ لم يتحقق"
    assert "الشروط متحققة" in gates["المثنى"]  # "conditions held"
    assert "conditions held" not in html
    assert '<input type="hidden" name="lang" value="ar">' in html
    assert 'href="/commissions/hmc-iraq-2024?as_of=2007-06-30&amp;lang=ar"' in html
    fallback = client.get(PIC, params={"as_of": "2007-06-30", "lang": "xx"}).text
    assert '<html lang="en" dir="ltr">' in fallback


def test_api_lists_commissions(client: TestClient) -> None:
    response = client.get("/api/commissions")
    assert response.status_code == 200
    by_id = {c["id"]: c for c in response.json()}
    assert set(by_id) == {"hmc-iraq-2024", "pic-iraq-2006"}
    assert by_id["hmc-iraq-2024"]["parties"] == ["us", "iq"]


def test_api_status_as_of(client: TestClient) -> None:
    response = client.get(f"/api{PIC}/status", params={"as_of": "2007-06-30"})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2007-06-30"
    gates = {g["area"]: g for g in body["gates"]}
    assert gates["muthanna"]["held"] is True
    assert gates["baghdad"]["held"] is False
    assert gates["baghdad"]["values"]["sigacts"] == 781.0
    national = {i["key"]: i for i in body["indicators"] if i["area"] is None}
    assert national["sigacts"]["value"] == 1618.0
    assert len(national["sigacts"]["trend"]) == 26


def test_api_errors_have_one_shape(client: TestClient) -> None:
    missing = client.get("/api/commissions/nope/status")
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert error["code"] == "not_found"
    assert "nope" in error["message"]
    assert error["details"] == {"commission": "nope"}
    malformed = client.get(f"/api{PIC}/status", params={"as_of": "2007-13-45"})
    assert malformed.status_code == 422
    error = malformed.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith("query.as_of")
    assert error["details"]["problems"][0]["field"] == "query.as_of"


def test_openapi_lists_the_api_and_not_the_pages(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/commissions" in paths
    assert "/api/commissions/{commission_id}/status" in paths
    assert "/api/commissions/{commission_id}/indicators/{key}/series" in paths
    assert "/" not in paths and "/commissions/{commission_id}" not in paths


def _freshness(html: str) -> str:
    found = re.search(r'<div class="freshness">(.*?)</div>', html, re.S)
    assert found is not None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize(
    ("as_of", "lang", "said"),
    [
        ("2009-03-27", "en", "Newest evidence 2009-02-25 , 30 days before this date"),
        ("2009-02-26", "en", "Newest evidence 2009-02-25 , 1 day before this date"),
        ("2007-06-30", "en", "Newest evidence 2007-06-30 , this very date"),
        ("2009-03-27", "ar", "أحدث الأدلة 2009-02-25 , قبل هذا التاريخ بـ30 يومًا"),
        ("2009-03-02", "ar", "أحدث الأدلة 2009-02-25 , قبل هذا التاريخ بـ5 أيام"),
    ],
)
def test_pages_say_how_old_the_newest_evidence_is(
    client: TestClient, as_of: str, lang: str, said: str
) -> None:
    html = client.get(PIC, params={"as_of": as_of, "lang": lang}).text
    assert _freshness(html) == said
    assert "stale-warning" not in html  # the demo computed every value
    api = client.get(f"/api{PIC}/status", params={"as_of": as_of}).json()
    assert api["newest_evidence"] == said.split()[2]
    assert api["stale_since"] is None


def test_stale_values_are_said_on_the_page_and_in_the_api(engine: Engine) -> None:
    get_engine.cache_clear()  # the app's engine: this test's database, not the demo's
    with session_scope(engine) as session:
        pic = next(p for p in shipped_commissions() if p.stem == "pic-iraq-2006")
        load_commission(session, path=pic, actor=Actor.system("tests"))  # nothing computed
        add_member(  # someone to sign in as: hmc demo's members are not in this database
            session,
            actor=Actor.system("tests"),
            username="reader",
            name="Test reader",
            role="admin",
            password="a long enough password",
        )
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        sign_in(test_client, "reader", "a long enough password")
        html = test_client.get(PIC, params={"as_of": "2007-06-30"}).text
        body = test_client.get(f"/api{PIC}/status", params={"as_of": "2007-06-30"}).json()
        arabic = test_client.get(PIC, params={"as_of": "2007-06-30", "lang": "ar"}).text
    since = body["stale_since"]
    assert since is not None
    shown = since[:16].replace("T", " ")
    assert "Values are stale." in html and f"changed on {shown} UTC" in html
    assert "run “hmc indicators”" in html
    assert "القيم قديمة." in arabic and shown in arabic
    assert _freshness(html) == "Newest evidence none imported yet"


def test_an_unknown_page_is_an_html_404_in_the_page_language(client: TestClient) -> None:
    for url, lang in (("/nope", "en"), ("/commissions/pic-iraq-2006/gates", "en"), ("/x", "ar")):
        response = client.get(url, params={"lang": lang})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}"' in response.text
        said = "There is no page at this address." if lang == "en" else "لا توجد صفحة بهذا العنوان."
        assert said in response.text
        assert 'href="/commissions/pic-iraq-2006' in response.text
        assert '"error"' not in response.text


def test_another_method_on_a_page_is_an_html_405(client: TestClient) -> None:
    response = client.post(PIC)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert response.headers["content-type"].startswith("text/html")
    assert "This page can only be read" in response.text


def test_a_long_unknown_commission_is_not_echoed_whole(client: TestClient) -> None:
    response = client.get(f"/commissions/{'x' * 3000}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    text = re.sub(r"<[^>]+>", "", response.text)  # what a reader sees, not the links
    assert f"“{'x' * 79}…”" in text and "x" * 81 not in text


def test_an_unexpected_failure_on_a_page_is_an_html_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret: the table is corrupt at /var/lib/hmc")

    monkeypatch.setattr("hmc.web.routes.status", broken)
    response = client.get(PIC, params={"lang": "ar"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "حدث خطأ غير متوقع" in response.text
    assert "secret" not in response.text and "Traceback" not in response.text
