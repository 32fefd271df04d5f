"""The hash of an audit record: SHA-256 over its canonical JSON, which includes the previous hash.

>>> record = {"seq": 1, "action": "create", "after": {"b": 2, "a": "é"}}
>>> canonical(record)
'{"action":"create","after":{"a":"é","b":2},"seq":1}'
>>> digest(record, prev="0" * 64) == digest(dict(reversed(record.items())), prev="0" * 64)
True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the previous hash of the first record


def canonical(content: dict[str, Any]) -> str:
    """``content`` as canonical JSON: sorted keys, no spaces, UTF-8 text as it is."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(content: dict[str, Any], *, prev: str) -> str:
    """The hash of a record with ``content`` that follows the record whose hash is ``prev``."""
    text = canonical({**content, "prev_hash": prev})
    return hashlib.sha256(text.encode()).hexdigest()
