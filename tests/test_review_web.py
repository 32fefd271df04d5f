"""The news review pages: the queue, a report shown as text with its items marked and their
forms (for those who decide), a decision confirmed, and the parties' positions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select

from conftest import sign_in
from hmc.actor import Actor
from hmc.app import create_app
from hmc.audit.models import AuditRecord
from hmc.news.importing import import_news
from hmc.news.models import NewsItem
from hmc.storage import get_engine, session_scope

BASE = "/commissions/hmc-iraq-2024"
SCRIPTED = """<html><body><h1>Attack in Kirkuk</h1>
<p>BAGHDAD, January 24, 2024 - Gunmen attacked a police checkpoint in Kirkuk on Tuesday,
killing two policemen, police said.</p>
<script>alert("report-script")</script>
<p>Prime Minister Mohammed Shia al-Sudani said on Wednesday that Iraq wants a timeline for
the withdrawal of the coalition's forces.</p>
</body></html>
"""


class Member:
    """A signed-in browser: its client and the CSRF token its forms carry."""

    def __init__(self, client: TestClient, username: str) -> None:
        self.client, self.csrf = client, sign_in(client, username)

    def get(self, path: str) -> Response:
        answer = self.client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        return answer

    def decide(self, item_id: int, **form: str) -> Response:
        """Press a button of an item's form (``do``: accept, edit, reject...) with ``form``."""
        return self.client.post(
            f"{BASE}/review/items/{item_id}", data={"csrf": self.csrf, **form},
            follow_redirects=False,
        )  # fmt: skip


@pytest.fixture
def report(demo_copy: Engine, tmp_path: Path) -> tuple[int, dict[str, int]]:
    """A report carrying markup and a script imported into a copy of the demo: its id and
    its items' ids by type."""
    path = tmp_path / "scripted.html"
    path.write_text(SCRIPTED, encoding="utf-8")
    with session_scope(demo_copy) as session:
        done = import_news(session, path=path, actor=Actor.system("test"), outlet="Test Wire")
        items = session.scalars(select(NewsItem).where(NewsItem.report_id == done[0].report_id))
        found = {i.type: i.id for i in items}
    get_engine.cache_clear()
    return done[0].report_id, found


@pytest.fixture
def people(report: tuple[int, dict[str, int]]) -> Iterator[dict[str, Member]]:
    app = create_app()
    clients = {name: TestClient(app, raise_server_exceptions=False)
               for name in ("iq-analyst", "us-observer")}  # fmt: skip
    for client in clients.values():
        client.__enter__()
    yield {name: Member(client, name) for name, client in clients.items()}
    for client in clients.values():
        client.__exit__(None, None, None)


def test_the_queue_lists_the_report_and_counts_items_by_state(
    people: dict[str, Member], report: tuple[int, dict[str, int]]
) -> None:
    report_id, _ = report
    page = people["us-observer"].get(f"{BASE}/review").text
    assert f'href="{BASE}/review/{report_id}"' in page
    assert "Awaiting review" in page and "Reports with items awaiting review" in page
    assert re.search(r"Accepted</dt><dd dir=\"ltr\">[1-9]", page)  # the demo's exercise items
    assert 'href="/commissions/hmc-iraq-2024/review">News review</a>' in page  # in the nav
    arabic = people["us-observer"].get(f"{BASE}/review?lang=ar").text
    assert "مراجعة الأخبار" in arabic and 'dir="rtl"' in arabic


def test_a_report_is_shown_as_text_with_its_sentences_marked(
    people: dict[str, Member], report: tuple[int, dict[str, int]]
) -> None:
    report_id, items = report
    page = people["us-observer"].get(f"{BASE}/review/{report_id}").text
    assert '<script>alert("report-script")' not in page
    marks = re.findall(r'<mark id="span-(\d+)"><a href="#item-\d+">([^<]*)</a></mark>', page)
    assert {int(i) for i, _ in marks} >= {items["event"]}
    assert any(
        "Gunmen attacked a police checkpoint in Kirkuk" in html.unescape(t) for _, t in marks
    )
    assert "You may read the review queue" in page
    assert '<form method="post" action="/commissions' not in page  # an observer reads only
    assert 'name="do"' not in page


def test_a_script_in_a_text_report_is_shown_escaped(
    demo_copy: Engine, tmp_path: Path, people: dict[str, Member]
) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        'BAGHDAD, January 24, 2024 - <script>alert("x")</script> Gunmen attacked a '
        "checkpoint in Kirkuk on Tuesday, police said.\n",
        encoding="utf-8",
    )
    with session_scope(demo_copy) as session:
        done = import_news(session, path=path, actor=Actor.system("test"), outlet="Text Wire")
    page = people["iq-analyst"].get(f"{BASE}/review/{done[0].report_id}").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_an_analyst_edits_and_accepts_and_the_page_confirms_it(
    demo_copy: Engine, people: dict[str, Member], report: tuple[int, dict[str, int]]
) -> None:
    report_id, items = report
    analyst = people["iq-analyst"]
    page = analyst.get(f"{BASE}/review/{report_id}").text
    form = f'action="{BASE}/review/items/{items["event"]}"'
    assert form in page and 'value="accept"' in page and 'value="reject"' in page
    fields = {"type": "event", "category": "isis_attack", "date": "2024-01-23",
              "governorate": "kirkuk", "killed": "2", "place": "Kirkuk"}  # fmt: skip
    done = analyst.decide(items["event"], do="accept", **fields)
    assert done.status_code == 303, done.text[:500]
    where = done.headers["location"]
    assert where == f"{BASE}/review/{report_id}?decided={items['event']}#item-{items['event']}"
    confirmed = analyst.get(where).text
    assert "Decision recorded on item" in confirmed
    assert "Edited and accepted" in confirmed or "Accepted" in confirmed
    event_id = re.search(r'role="status">.*?href="/events/(\d+)"', confirmed, re.S)
    assert event_id, confirmed[:2000]
    with session_scope(demo_copy) as session:
        item = session.get_one(NewsItem, items["event"])
        assert item.state in ("accepted", "edited") and item.event_id == int(event_id.group(1))
        assert session.scalars(select(AuditRecord).where(
            AuditRecord.object_type == "news_item", AuditRecord.object_id == str(item.id)
        )).one().actor.startswith("member:")  # fmt: skip
    again = analyst.decide(items["event"], do="reject")
    assert again.status_code == 409 and "was " in again.text and "already" in again.text


def test_a_refused_edit_comes_back_as_typed(
    people: dict[str, Member], report: tuple[int, dict[str, int]]
) -> None:
    _, items = report
    typed = {"type": "event", "date": "2024-13-45", "place": "Typed place kept"}
    answer = people["iq-analyst"].decide(items["event"], do="edit", **typed)
    assert answer.status_code == 422
    assert "The decision was not recorded." in answer.text
    assert 'value="Typed place kept"' in answer.text and 'value="2024-13-45"' in answer.text


def test_an_observer_may_not_decide(
    demo_copy: Engine, people: dict[str, Member], report: tuple[int, dict[str, int]]
) -> None:
    _, items = report
    refused = people["us-observer"].decide(items["event"], do="reject")
    assert refused.status_code == 403
    with session_scope(demo_copy) as session:
        assert session.get_one(NewsItem, items["event"]).state == "proposed"


def test_a_position_accepted_shows_in_the_positions_filtered(
    people: dict[str, Member], report: tuple[int, dict[str, int]]
) -> None:
    report_id, items = report
    chosen = {"topic": "timeline", "type": "position", "party": "iq"}
    done = people["iq-analyst"].decide(items["position"], do="accept", **chosen)
    assert done.status_code == 303, done.text[:500]
    observer = people["us-observer"]
    page = observer.get(f"{BASE}/positions?party=iq&topic=timeline").text
    assert "wants a timeline" in page
    assert f'href="{BASE}/review/{report_id}#item-{items["position"]}"' in page
    assert "keeps its full right to self-defense" not in page  # the US's, filtered out
    us = observer.get(f"{BASE}/positions?party=us").text
    assert "keeps its full right to self-defense" in us and "wants a timeline" not in us
    arabic = observer.get(f"{BASE}/positions?lang=ar").text
    assert "مواقف الطرفين" in arabic and "الجدول الزمني" in arabic
    assert "جدولا زمنيا لانسحاب" in arabic  # the exercise's Arabic position


def test_the_report_page_of_a_missing_report_is_not_found(people: dict[str, Member]) -> None:
    assert people["us-observer"].client.get(f"{BASE}/review/999999").status_code == 404
