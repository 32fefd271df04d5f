"""The evidence page pages through the events, newest first, a page at a time (keyset: the
next page starts after the last event shown), keeping the filters and the total."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from test_web import client  # signed in to a copy of the demo database

__all__ = ["client"]
ROW = re.compile(r'<a href="/events/(\d+)[^"]*" class="date">(\d{4}-\d{2}-\d{2})</a>')
OLDER = re.compile(r'<a href="([^"]+)" rel="next">')


def _page(client: TestClient, url: str) -> tuple[str, list[tuple[str, int]], str | None]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    heading = re.search(r'<h2 id="events">([^<]+)</h2>', answer.text)
    assert heading is not None
    rows = [(day, int(ident)) for ident, day in ROW.findall(answer.text)]
    older = OLDER.search(answer.text)
    return heading.group(1), rows, html.unescape(older.group(1)) if older else None


def test_pages_follow_each_other_newest_first_with_the_filters(client: TestClient) -> None:
    total, first, older = _page(client, "/evidence?category=attack&lang=ar")
    assert len(first) == 100 and older is not None
    assert "category=attack" in older and "lang=ar" in older
    again, second, _ = _page(client, older)
    assert again == total  # the count of every matching event, on each page
    assert second and not set(first) & set(second)
    assert first == sorted(first, reverse=True) and second == sorted(second, reverse=True)
    assert second[0] < first[-1]  # older than the last shown: (date, id), newest first


def test_the_last_page_offers_no_older_one(client: TestClient) -> None:
    _, rows, older = _page(client, "/evidence?from=2004-01-01&to=2004-01-01")
    assert len(rows) < 100 and older is None


def test_a_malformed_page_key_is_refused(client: TestClient) -> None:
    assert client.get("/evidence?before=yesterday").status_code == 422
