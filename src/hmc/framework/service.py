"""Loading commissions as framework versions, and reading a version back as records.

Loading an edited configuration never deletes or rewrites what hangs off a commission: it
adds a :class:`~hmc.framework.models.FrameworkVersion`, matches the configuration's items
to the current rows by their ids, adds rows for what is new or changed, and marks what was
changed or removed as replaced in that version. What did not change keeps its rows.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.errors import ConfigError, NotFound
from hmc.framework import records as rec
from hmc.framework.config import load_config
from hmc.framework.models import (
    Area,
    Commission,
    Factor,
    FrameworkVersion,
    Gate,
    Indicator,
    Party,
    Phase,
    Scale,
    Versioned,
)
from hmc.framework.rows import KINDS, Row, build_rows, content
from hmc.framework.schemas import MilestoneConfig, ScenarioConfig
from hmc.framework.texts import arabic_texts, with_arabic

__all__ = [
    "Change",
    "LoadReport",
    "commission_ids",
    "framework",
    "get_commission",
    "list_commissions",
    "load_commission",
    "resolve_as_of",
    "shipped_commissions",
]

V = TypeVar("V", bound=Versioned)


@dataclass(frozen=True)
class Change:
    """One item of the configuration that a load added, changed or removed."""

    kind: str  # commission, party, factor, scale, indicator, area, phase, gate, planning
    key: str
    change: str  # added | changed | removed


@dataclass(frozen=True)
class LoadReport:
    """What loading a configuration did: the version it made (or found) and the changes."""

    commission_id: str
    name: str
    version: int
    previous: int | None  # the version before; equal to ``version`` when nothing changed
    changes: tuple[Change, ...]

    @property
    def loaded(self) -> bool:
        """Whether the load made a new version."""
        return self.version != self.previous


def shipped_commissions() -> list[Path]:
    """The configuration files that ship with hmc, the default first."""
    folder = Path(str(files("hmc") / "commissions"))
    return sorted(folder.glob("*.toml"), key=lambda p: (not p.stem.startswith("hmc-"), p.stem))


def load_commission(
    session: Session, *, path: Path, actor: Actor, decision: int | None = None
) -> LoadReport:
    """Load the configuration at ``path`` as a new framework version when it changed.

    ``decision``: the id of the standing decision the change carries out, kept in each change.
    """
    config, text = load_config(path)
    digest = hashlib.sha256(text.encode()).hexdigest()
    head = config.commission
    commission = session.get(Commission, head.id)
    latest = _latest(session, head.id) if commission is not None else None
    if latest is not None and latest.sha256 == digest:
        return LoadReport(head.id, head.name, latest.number, latest.number, ())
    number = latest.number + 1 if latest is not None else 1
    changes: list[Change] = []
    if commission is None:
        commission = Commission(id=head.id)
        session.add(commission)
        commission.parties = [Party(key=p.id, name=p.name) for p in head.parties]
        changes.append(Change("commission", head.id, "added"))
    else:
        changes += _update_header(commission, config.commission)
    commission.name, commission.description = head.name, head.description
    commission.country, commission.default_as_of = head.country, head.as_of
    session.flush()
    wanted = build_rows(config)
    for kind, model in KINDS:
        changes += _apply(session, head.id, number, kind, model, wanted[kind])
    before = _parsed_planning(latest.config_text if latest is not None else "")
    if _parsed_planning(text) != before:
        changes.append(Change("planning", head.id, "changed"))  # milestones or scenarios
    if latest is not None and arabic_texts(text) != arabic_texts(latest.config_text):
        changes.append(Change("texts", head.id, "changed"))  # the Arabic of any item
    version = FrameworkVersion(
        commission_id=head.id,
        number=number,
        sha256=digest,
        config_text=text,
        loaded_at=datetime.now(UTC).replace(tzinfo=None),
        loaded_by=str(actor),
        changes=[{**vars(c), **({"decision": decision} if decision else {})} for c in changes],
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="load",
        object_type="framework_version",
        object_id=version.id,
        commission_id=head.id,
        after={"number": number, "sha256": digest, "changes": version.changes},
    )
    return LoadReport(head.id, head.name, number, latest.number if latest else None, tuple(changes))


def _latest(session: Session, commission_id: str) -> FrameworkVersion | None:
    query = (
        select(FrameworkVersion)
        .where(FrameworkVersion.commission_id == commission_id)
        .order_by(FrameworkVersion.number.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _update_header(commission: Commission, head: Any) -> list[Change]:
    """Parties keep their ids (members belong to them); names and the header may change."""
    old = {p.key: p for p in commission.parties}
    new = {p.id: p.name for p in head.parties}
    if set(old) != set(new):
        raise ConfigError(
            f"commission {head.id}: its parties cannot change once loaded"
            f" (loaded: {', '.join(sorted(old))}; the file says: {', '.join(sorted(new))})",
            key="commission.parties",
        )
    changes = []
    for key, party in old.items():
        if party.name != new[key]:
            party.name = new[key]
            changes.append(Change("party", key, "changed"))
    shown = (commission.name, commission.description, commission.country, commission.default_as_of)
    if shown != (head.name, head.description, head.country, head.as_of):
        changes.append(Change("commission", head.id, "changed"))
    return changes


def _apply(
    session: Session,
    commission_id: str,
    number: int,
    kind: str,
    model: type[V],
    wanted: Sequence[Row],
) -> list[Change]:
    """Match ``wanted`` rows to the current ones by id: add, replace, or mark removed."""
    query = select(model).where(model.commission_id == commission_id, _valid(model, None))
    current = {row.key: row for row in session.scalars(query)}
    changes = []
    for position, row in enumerate(wanted):
        row.commission_id, row.position, row.added_in = commission_id, position, number
        old = current.pop(row.key, None)
        if old is not None and content(old) == content(row):
            old.position = position  # the display order is kept current in place
            continue
        if old is not None:
            old.replaced_in = number
            session.flush()  # the old row stops being current before the new one is
        session.add(row)
        changes.append(Change(kind, row.key, "added" if old is None else "changed"))
    for old in current.values():
        old.replaced_in = number
        changes.append(Change(kind, old.key, "removed"))
    session.flush()
    return changes


def _valid(model: type[Versioned], version: int | None) -> Any:
    """The rows of ``model`` in ``version`` (None: the current version)."""
    if version is None:
        return model.replaced_in.is_(None)
    return (model.added_in <= version) & or_(
        model.replaced_in.is_(None), model.replaced_in > version
    )


def get_commission(session: Session, *, commission_id: str) -> Commission:
    """The commission ``commission_id``, or NotFound naming the ones that exist."""
    commission = session.get(Commission, commission_id)
    if commission is None:
        error = rec.not_found("commission", commission_id, commission_ids(session), "this database")
        raise NotFound(f'{error.message}; run "hmc init" to load one', **error.details)
    return commission


def _info(session: Session, commission: Commission) -> rec.CommissionInfo:
    latest = _latest(session, commission.id)
    assert latest is not None, commission.id  # every commission is loaded with a version
    return rec.CommissionInfo(
        id=commission.id,
        name=commission.name,
        description=commission.description,
        country=commission.country,
        default_as_of=commission.default_as_of,
        parties=tuple(rec.PartyInfo(p.key, p.name) for p in commission.parties),
        version=latest.number,
        loaded_at=latest.loaded_at,
    )


def commission_ids(session: Session) -> list[str]:
    """The ids of every loaded commission."""
    return list(session.scalars(select(Commission.id).order_by(Commission.id)))


def list_commissions(session: Session) -> list[rec.CommissionInfo]:
    """Every loaded commission."""
    commissions = session.scalars(select(Commission).order_by(Commission.id))
    return [_info(session, c) for c in commissions]


def _rows(session: Session, model: type[V], commission_id: str, version: int | None) -> list[V]:
    query = select(model).where(model.commission_id == commission_id, _valid(model, version))
    if model in (Scale, Area):
        query = query.options(selectinload(model.levels if model is Scale else model.governorates))  # type: ignore[attr-defined]
    return list(session.scalars(query.order_by(model.position)))


def framework(session: Session, *, commission_id: str, version: int | None = None) -> rec.Framework:
    """The framework of a commission as records: its current version, or ``version``."""
    commission = get_commission(session, commission_id=commission_id)
    info = _info(session, commission)
    if version is not None and not 1 <= version <= info.version:
        raise NotFound(f"{commission_id} has versions 1 to {info.version}, not {version}")
    factors = {
        f.key: rec.FactorInfo(f.key, f.name, f.description)
        for f in _rows(session, Factor, commission_id, version)
    }
    scales = {
        s.key: rec.ScaleInfo(
            s.key, s.name, tuple(rec.LevelInfo(lv.value, lv.label, lv.rubric) for lv in s.levels)
        )
        for s in _rows(session, Scale, commission_id, version)
    }
    areas = {
        a.key: rec.AreaInfo(
            a.key,
            a.name,
            tuple(g.governorate for g in a.governorates),
            since={g.governorate: g.since for g in a.governorates if g.since is not None},
        )
        for a in _rows(session, Area, commission_id, version)
    }
    indicators = tuple(
        rec.IndicatorInfo(
            key=i.key,
            name=i.name,
            factor=factors[i.factor_key],
            kind=i.kind,
            scope=i.scope,
            unit=i.unit,
            better=i.better,
            threshold=i.threshold,
            rationale=i.rationale,
            definition=dict(i.definition),
            scale=scales[i.scale_key] if i.scale_key else None,
            added_in=i.added_in,
        )
        for i in _rows(session, Indicator, commission_id, version)
    )
    gates = _rows(session, Gate, commission_id, version)
    phases = tuple(
        rec.PhaseInfo(
            key=p.key,
            name=p.name,
            description=p.description,
            after=p.after,
            min_duration_weeks=p.min_duration_weeks,
            gates=tuple(
                rec.GateInfo(p.key, areas[g.area_key], g.expression, g.not_before, g.no_later_than)
                for g in gates  # in the file's order: phase by phase, area by area
                if g.phase_key == p.key
            ),
        )
        for p in _rows(session, Phase, commission_id, version)
    )
    text = _version_text(session, commission_id, version or info.version)
    milestones, scenarios = _parsed_planning(text)
    return with_arabic(
        rec.Framework(
            info, tuple(factors.values()), tuple(scales.values()), indicators,
            tuple(areas.values()), phases, milestones, scenarios,
        ),
        text,
    )  # fmt: skip


def _version_text(session: Session, commission_id: str, number: int) -> str:
    """The configuration text a version was loaded from (its milestones, scenarios, Arabic)."""
    text = session.scalar(
        select(FrameworkVersion.config_text).where(
            FrameworkVersion.commission_id == commission_id, FrameworkVersion.number == number
        )
    )
    return text or ""


@lru_cache(maxsize=64)
def _parsed_planning(
    text: str,
) -> tuple[tuple[rec.MilestoneInfo, ...], tuple[rec.ScenarioInfo, ...]]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # a version from before texts were kept: none planned
        return (), ()
    milestones = tuple(
        rec.MilestoneInfo(m.indicator, m.area, m.level, m.by, m.slip_chance, m.slip, m.rationale)
        for m in (MilestoneConfig.model_validate(item) for item in raw.get("milestone", []))
    )
    scenarios = tuple(
        rec.ScenarioInfo(s.id, s.name, s.description, s.phase, dict(s.by), dict(s.dates))
        for s in (ScenarioConfig.model_validate(item) for item in raw.get("scenario", []))
    )
    return milestones, scenarios


def resolve_as_of(commission: rec.CommissionInfo, as_of: date | None) -> date:
    """The date asked for; else the commission's own (a replay's); else today."""
    return as_of or commission.default_as_of or date.today()
