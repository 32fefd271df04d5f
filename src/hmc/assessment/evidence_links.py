"""Links from a rating to its evidence: events, imported files, documents, web pages.

>>> links([{"kind": "url", "ref": "https://example.org/report"}], exists=lambda k, i: True)
[{'kind': 'url', 'ref': 'https://example.org/report'}]
>>> links([{"kind": "url", "ref": "javascript:alert(1)"}], exists=lambda k, i: True)
Traceback (most recent call last):
...
hmc.errors.InvalidInput: evidence 1: a URL must start with http:// or https://
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hmc.errors import InvalidInput

KINDS = ("event", "import", "document", "url")
MOST = 50  # links per rating
LONGEST = 2_000  # characters of a reference


def links(given: list[Any], *, exists: Callable[[str, int], bool]) -> list[dict[str, str]]:
    """``given`` checked: each a known kind with a reference; events and imports must exist."""
    if len(given) > MOST:
        raise InvalidInput(f"at most {MOST} evidence links per rating")
    checked = []
    for number, link in enumerate(given, start=1):
        where = f"evidence {number}"
        if not isinstance(link, dict) or link.get("kind") not in KINDS:
            raise InvalidInput(f"{where}: kind must be one of {', '.join(KINDS)}")
        kind, ref = link["kind"], str(link.get("ref", "")).strip()
        if not ref or len(ref) > LONGEST:
            raise InvalidInput(f"{where}: a reference of 1 to {LONGEST} characters is needed")
        if kind in ("event", "import") and not (ref.isdigit() and exists(kind, int(ref))):
            raise InvalidInput(f"{where}: no {kind} with id {ref[:20]}")
        if kind == "url" and not ref.lower().startswith(("http://", "https://")):
            raise InvalidInput(f"{where}: a URL must start with http:// or https://")
        checked.append({"kind": kind, "ref": ref})
    return checked
