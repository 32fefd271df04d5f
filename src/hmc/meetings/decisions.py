"""Decisions of a working meeting: proposed, approved by both co-chairs, then standing.

A proposal may be revised until it stands; a revision withdraws the approvals given. Each
co-chair approves the version they read, so that nothing is approved unseen. Once every
party's co-chair has approved, the decision stands and is never edited again: a change is a
new decision that amends it. A standing decision that changes a gate (its condition or its
dates) takes effect as a new framework version, each of whose changes names the decision.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import tomlkit
from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.assessment.views import parties
from hmc.audit.service import now, record_write
from hmc.audit.types import fields_of
from hmc.domain.days import typed_day
from hmc.domain.gates import parse_gate
from hmc.errors import ConfigError, Conflict, GateError, InvalidInput, NotFound
from hmc.framework.models import FrameworkVersion
from hmc.framework.service import framework, load_commission
from hmc.meetings.language import language
from hmc.meetings.models import Approval, Decision, Meeting
from hmc.meetings.service import agenda_item, text_of
from hmc.meetings.views import get_meeting
from hmc.permissions import Permission, acting_party, require
from hmc.storage.versions import check_version

GATE_FIELDS = ("when", "not_before", "no_later_than")


def _checked_change(
    session: Session,
    commission_id: str,
    phase: str | None,
    area: str | None,
    change: dict[str, Any],
) -> dict[str, str]:
    """The change of a gate as given, checked: its fields, its condition, its dates."""
    current = framework(session, commission_id=commission_id)
    try:
        phase_key = current.phase(phase).key if phase else None
        area_key = current.area(area).key if area else None
    except NotFound as exc:
        raise InvalidInput(
            exc.message, field="phase" if "phase" in exc.details else "area"
        ) from None
    if not change:
        return {}
    if phase_key is None or area_key is None:
        raise InvalidInput("a change of a gate names its phase and its area", field="change")
    if current.phase(phase_key).after is None:
        raise InvalidInput(f"phase {phase_key} is the first: it has no gate", field="change")
    unknown = sorted(set(change) - set(GATE_FIELDS))
    if unknown:
        raise InvalidInput(
            f"a gate's change has {', '.join(GATE_FIELDS)}, not {', '.join(unknown)}",
            field="change",
        )
    checked: dict[str, str] = {}
    for key, value in change.items():
        text = "" if value is None else str(value).strip()
        if text and key == "when":
            try:
                parsed = parse_gate(text, source=f"{phase_key}/{area_key}")
            except GateError as exc:
                raise InvalidInput(exc.message, field="change.when") from None
            for name in sorted(parsed.indicators()):
                try:
                    current.indicator(name)
                except NotFound as exc:
                    raise InvalidInput(exc.message, field="change.when") from None
        elif text:
            text = typed_day(text, field=key).isoformat()
        checked[key] = text
    return checked


def _decision(session: Session, meeting_id: int, decision_id: int) -> tuple[Decision, Meeting]:
    decision = session.get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting_id:
        raise NotFound(f"meeting {meeting_id} has no decision {decision_id}", decision=decision_id)
    return decision, get_meeting(session, meeting_id)


def propose(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    text: str,
    lang: str | None = None,
    phase: str | None = None,
    area: str | None = None,
    binds_on: date | None = None,
    change: dict[str, Any] | None = None,
    item_id: int | None = None,
    amends: int | None = None,
) -> int:
    """A co-chair proposes a decision (or an amendment of a standing one); returns its id."""
    meeting = get_meeting(session, meeting_id)
    require(actor, Permission.PROPOSE_DECISION, meeting.commission_id)
    if item_id is not None:
        agenda_item(session, meeting.id, item_id)
    checked = _checked_change(session, meeting.commission_id, phase, area, change or {})
    if amends is not None:
        old = session.get(Decision, amends)
        if (
            old is None
            or get_meeting(session, old.meeting_id).commission_id != meeting.commission_id
        ):
            raise InvalidInput(f"no decision {amends} of this commission to amend", field="amends")
        if old.state != "stands":
            raise Conflict(f"decision {amends} does not stand yet: revise it instead")
    text = text_of(text, "text")
    decision = Decision(
        meeting_id=meeting.id,
        item_id=item_id,
        text=text,
        lang=language(text, lang),
        phase_key=phase or None,
        area_key=area.lower() if area else None,
        binds_on=binds_on,
        change=checked,
        state="proposed",
        amends_id=amends,
        version=1,
        proposed_by=str(actor),
        proposed_at=now(),
    )
    session.add(decision)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="propose",
        row=decision,
        commission_id=meeting.commission_id,
        after=fields_of(decision),
    )
    return decision.id


def revise(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    decision_id: int,
    version: int,
    text: str,
    lang: str | None = None,
    phase: str | None = None,
    area: str | None = None,
    binds_on: date | None = None,
    change: dict[str, Any] | None = None,
) -> int:
    """A co-chair revises a proposal (``version``: the one they read); approvals are withdrawn."""
    decision, meeting = _decision(session, meeting_id, decision_id)
    require(actor, Permission.PROPOSE_DECISION, meeting.commission_id)
    if decision.state == "stands":
        raise Conflict(f"decision {decision_id} stands: amend it with a new decision")
    check_version(f"decision {decision_id}", decision.version, version)
    checked = _checked_change(session, meeting.commission_id, phase, area, change or {})
    before = fields_of(decision)
    text = text_of(text, "text")
    decision.text, decision.lang = text, language(text, lang)
    decision.phase_key, decision.area_key = phase or None, area.lower() if area else None
    decision.binds_on, decision.change = binds_on, checked
    decision.version += 1
    for approval in session.scalars(select(Approval).where(Approval.decision_id == decision.id)):
        session.delete(approval)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="revise",
        row=decision,
        commission_id=meeting.commission_id,
        before=before,
        after=fields_of(decision),
    )
    return decision.version


def approve(
    session: Session, *, actor: Actor, meeting_id: int, decision_id: int, version: int
) -> str:
    """A co-chair approves the version of a decision they read; returns its state.

    With every party's approval the decision stands, and its change of a gate, if any,
    takes effect in a new framework version.
    """
    decision, meeting = _decision(session, meeting_id, decision_id)
    party = acting_party(actor, Permission.APPROVE_DECISION, meeting.commission_id)
    if decision.state == "stands":
        raise Conflict(f"decision {decision_id} stands already")
    check_version(f"decision {decision_id}", decision.version, version)
    approved = set(
        session.scalars(select(Approval.party_key).where(Approval.decision_id == decision.id))
    )
    if party in approved:
        raise Conflict(f"{party}'s co-chair has already approved decision {decision_id}")
    assert actor.member_id is not None
    approval = Approval(
        decision_id=decision.id,
        party_key=party,
        member_id=actor.member_id,
        version=decision.version,
        approved_at=now(),
    )
    session.add(approval)
    session.flush()
    record_write(
        session,
        actor=actor,
        action="approve",
        row=decision,
        commission_id=meeting.commission_id,
        after={"party": party, "version": decision.version},
    )
    if approved | {party} >= set(parties(session, meeting.commission_id)):
        before = fields_of(decision)
        decision.state, decision.stood_at = "stands", now()
        if decision.change:
            decision.framework_version = _carry_out(session, actor, meeting, decision)
        session.flush()
        record_write(
            session,
            actor=actor,
            action="stands",
            row=decision,
            commission_id=meeting.commission_id,
            before=before,
            after=fields_of(decision),
        )
    return decision.state


def _carry_out(session: Session, actor: Actor, meeting: Meeting, decision: Decision) -> int:
    """Load the commission's configuration with the decision's change of a gate; the version."""
    latest = session.scalars(
        select(FrameworkVersion)
        .where(FrameworkVersion.commission_id == meeting.commission_id)
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    ).one()
    text = changed_text(
        latest.config_text, decision.phase_key or "", decision.area_key or "", decision.change
    )
    with TemporaryDirectory() as folder:
        path = Path(folder) / f"{meeting.commission_id}.toml"
        path.write_text(text, encoding="utf-8")
        try:
            report = load_commission(session, path=path, actor=actor, decision=decision.id)
        except ConfigError as exc:
            message = exc.message.replace(str(path), "the configuration")
            raise InvalidInput(f"decision {decision.id} cannot take effect: {message}") from None
    return report.version


def changed_text(text: str, phase: str, area: str, change: dict[str, str]) -> str:
    """A configuration's ``text`` with the gate of ``phase`` in ``area`` changed (comments kept).

    An empty value removes the field; a gate the phase takes from its default is written
    out for the area.

    >>> text = '[[phase]]\\nid = "a"\\n\\n[[phase]]\\nid = "b"  # the second\\nafter = "a"\\n'
    >>> print(changed_text(text, "b", "north", {"not_before": "2025-01-01"}))
    [[phase]]
    id = "a"
    <BLANKLINE>
    [[phase]]
    id = "b"  # the second
    after = "a"
    <BLANKLINE>
    [phase.gate.north]
    not_before = "2025-01-01"
    <BLANKLINE>
    """
    doc = tomlkit.parse(text)
    found: Any = next(p for p in doc["phase"] if p["id"] == phase)
    if "gate" not in found:
        found["gate"] = tomlkit.table(is_super_table=True)
    gates = found["gate"]
    if area not in gates:
        gate = tomlkit.table()
        for key, value in found.get("default_gate", {}).items():
            gate[key] = value
        gates[area] = gate
    for key, value in change.items():
        if value:
            gates[area][key] = value
        elif key in gates[area]:
            del gates[area][key]
    return tomlkit.dumps(doc)
