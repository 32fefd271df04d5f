"""The audit trail page: the records of a commission the viewer may read, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from hmc.assessment.views import released_rounds
from hmc.audit.service import trail
from hmc.audit.types import TYPES
from hmc.deps import DatabaseDep, ViewerDep
from hmc.framework.service import list_commissions
from hmc.permissions import Permission, require
from hmc.settings import get_settings
from hmc.web import i18n
from hmc.web.render import commission_of, frame, member_names, page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Entry:
    """One audit record as the page shows it."""

    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: list[tuple[str, str]] | None
    after: list[tuple[str, str]] | None
    private_to: str | None
    released_with: int | None
    hash: str


def readable(fields: dict[str, Any] | None) -> list[tuple[str, str]] | None:
    """An object's recorded fields as key and value texts; a list's entries one a line.

    >>> readable({"level": 3, "disputed": False, "evidence": [], "x": None})
    [('level', '3'), ('disputed', 'false'), ('evidence', '—'), ('x', '—')]
    >>> readable({"ratings": [{"item": 8, "evidence": [{"kind": "event", "ref": "4"}]}]})
    [('ratings', 'item: 8, evidence: [kind: event, ref: 4]')]
    """
    if fields is None:
        return None
    return [(key, text(value)) for key, value in fields.items()]


def text(value: object, nested: bool = False) -> str:
    """A recorded value as a person reads it: maps as ``key: value``, lists one a line."""
    if value is None or value == []:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {text(v, True)}" for k, v in value.items())
    if isinstance(value, list):
        entries = [text(v, True) for v in value]
        return f"[{'; '.join(entries)}]" if nested else "\n".join(entries)
    return json.dumps(value)


def _blank(text: str | None) -> str | None:
    return text.strip() or None if text is not None else None


@router.api_route("/audit", methods=["GET", "HEAD"], response_class=HTMLResponse)
def audit_page(
    database: DatabaseDep,
    viewer: ViewerDep,
    object_type: Annotated[str | None, Query(alias="type", max_length=32)] = None,
    object_id: Annotated[str | None, Query(alias="id", max_length=64)] = None,
    commission: Annotated[str | None, Query(max_length=64)] = None,
    lang: str | None = None,
) -> HTMLResponse:
    """The newest records of the commission (or of one object of it) the viewer may read."""
    kind, ident = _blank(object_type), _blank(object_id)
    cid = _blank(commission) or viewer.member.commission_id or get_settings().default_commission
    with database.read() as session:
        commissions = list_commissions(session)
        shown = commission_of(commissions, cid)
        require(viewer.actor, Permission.READ_TRAIL, cid)
        records = trail(
            session,
            viewer=viewer.actor,
            released=released_rounds(session),
            commission_id=cid,
            object_type=kind,
            object_id=ident,
        )
        names = member_names(session)
        entries = [
            Entry(
                seq=r.seq,
                at=r.at,
                actor=names.get(r.actor, r.actor),
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                before=readable(r.before),
                after=readable(r.after),
                private_to=r.private_to,
                released_with=r.released_with,
                hash=r.hash,
            )
            for r in records
        ]
    base = frame(lang, None, commissions, viewer)
    other = base["other_lang"]
    lang_ = None if other == i18n.DEFAULT else other
    params = {"commission": cid, "type": kind, "id": ident, "lang": lang_}
    switch = "/audit?" + urlencode({k: v for k, v in params.items() if v})
    return page(
        "audit.html",
        200,
        base,
        current=cid,
        switch=switch,
        commission=shown,
        parties={p.key: p.name for p in shown.parties},
        entries=entries,
        kind=kind or "",
        ident=ident or "",
        types=list(TYPES),
        abouts=list(dict.fromkeys(k.about for k in TYPES)),
        known=TYPES,
    )
