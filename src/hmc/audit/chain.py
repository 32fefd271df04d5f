"""The hash of an audit record: SHA-256 over its canonical JSON, which includes the previous hash.

Also what is wrong with a stored record, if anything (:func:`fault`), for verifying the chain.

>>> record = {"seq": 1, "action": "create", "after": {"b": 2, "a": "é"}}
>>> canonical(record)
'{"action":"create","after":{"a":"é","b":2},"seq":1}'
>>> digest(record, prev="0" * 64) == digest(dict(reversed(record.items())), prev="0" * 64)
True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64  # the previous hash of the first record
HASHED = (
    "seq",
    "at",
    "actor",
    "commission_id",
    "object_type",
    "object_id",
    "action",
    "before",
    "after",
    "private_to",
    "released_with",
)  # the fields a record's hash covers, beside prev_hash: all but its own hash and row id


def canonical(content: dict[str, Any]) -> str:
    """``content`` as canonical JSON: sorted keys, no spaces, UTF-8 text as it is, no NaN."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def digest(content: dict[str, Any], *, prev: str) -> str:
    """The hash of a record with ``content`` that follows the record whose hash is ``prev``."""
    text = canonical({**content, "prev_hash": prev})
    return hashlib.sha256(text.encode()).hexdigest()


def content(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What a record's hash covers (see HASHED), from its fields or its row as stored."""
    return {
        **{name: fields[name] for name in HASHED},
        "at": fields["at"].isoformat(timespec="microseconds"),
    }


def fault(stored: Mapping[str, Any], position: int, prev: str) -> str | None:
    """What is wrong with the record stored at ``position`` of the chain, after hash ``prev``.

    ``stored`` is the record's row; one that could not be read has the key ``unreadable``.
    """
    seq = stored["seq"]
    if seq != position:
        return _missing(seq, position)
    if "unreadable" in stored:
        return f"record {seq} cannot be read (edited): {stored['unreadable']}"
    if stored["prev_hash"] != prev:
        if position == 1:
            return "record 1 does not start the chain (its prev_hash is not the genesis hash)"
        return (
            f"record {seq} does not link to record {seq - 1}: record {seq - 1} was rewritten"
            " (its hash recomputed), or records were reordered or replaced"
        )
    if stored["hash"] != digest(content(stored), prev=prev):
        return f"record {seq} does not match its hash (edited)"
    return None


def _missing(seq: int, position: int) -> str:
    """Record ``seq`` found where record ``position`` belongs.

    >>> _missing(18, 17)
    'record 17 is missing (deleted): record 18 follows record 16'
    >>> _missing(4, 1)
    'records 1 to 3 are missing (deleted): the chain starts at record 4'
    """
    if seq < position:
        return f"record {seq} is out of order (record {position} expected)"
    gap = f"record {position} is" if seq == position + 1 else f"records {position} to {seq - 1} are"
    then = (
        f"record {seq} follows record {position - 1}"
        if position > 1
        else f"the chain starts at record {seq}"
    )
    return f"{gap} missing (deleted): {then}"
