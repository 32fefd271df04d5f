"""Static files: linked under names that carry their content's digest, cached for a year
there, revalidated under their plain names, and sent gzip-compressed to clients that take it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from test_web import client  # signed in to a copy of the demo database

__all__ = ["client"]
HASHED = r"/static/{stem}\.[0-9a-f]{{12}}\.{suffix}"


def _linked(html: str, stem: str, suffix: str) -> str:
    found = re.search(HASHED.format(stem=stem, suffix=suffix), html)
    assert found is not None, f"{stem}.{suffix} is not linked by a hashed name"
    return found.group(0)


def test_pages_link_hashed_names_cached_for_a_year(client: TestClient) -> None:
    page = client.get("/commissions/hmc-iraq-2024/timeline").text
    for stem, suffix in (("hmc", "css"), ("favicon", "svg"), ("vega", "js"), ("hmc", "js")):
        url = _linked(page, stem, suffix)
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.content == client.get(f"/static/{stem}.{suffix}").content


def test_the_vega_bundle_is_sent_compressed_to_a_third(client: TestClient) -> None:
    url = _linked(client.get("/commissions/hmc-iraq-2024/timeline").text, "vega", "js")
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) > 500_000
    squeezed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert squeezed.headers["content-encoding"] == "gzip"
    assert squeezed.headers["vary"] == "Accept-Encoding"
    assert int(squeezed.headers["content-length"]) < len(plain.content) / 2.5  # 898 KB: 305 KB
    assert squeezed.content == plain.content  # the client unpacks it to the same bytes


def test_plain_names_are_revalidated_and_unchanged_files_not_sent_again(
    client: TestClient,
) -> None:
    first = client.get("/static/hmc.css")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-cache"
    again = client.get("/static/hmc.css", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("name", ["hmc.000000000000.css", "vega.js.gz", "nope.css"])
def test_unknown_or_stale_names_are_not_found(client: TestClient, name: str) -> None:
    assert client.get(f"/static/{name}").status_code == 404
