"""Loading commissions into the database and reading them back."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from importlib.resources import files
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.errors import NotFound
from hmc.evidence.gazetteer import load_gazetteer
from hmc.framework.config import load_config
from hmc.framework.models import (
    Area,
    AreaGovernorate,
    Commission,
    Factor,
    Gate,
    Indicator,
    Party,
    Phase,
    Scale,
    ScaleLevel,
)
from hmc.framework.schemas import CommissionConfig, GateConfig


def shipped_commissions() -> list[Path]:
    """The configuration files that ship with hmc, the default first."""
    folder = Path(str(files("hmc") / "commissions"))
    return sorted(folder.glob("*.toml"), key=lambda p: (not p.stem.startswith("hmc-"), p.stem))


def load_commission(session: Session, *, path: Path) -> tuple[Commission, bool]:
    """Load (or reload) the commission configured at ``path``; say whether anything changed."""
    config, text = load_config(path)
    digest = hashlib.sha256(text.encode()).hexdigest()
    existing = session.get(Commission, config.commission.id)
    if existing is not None:
        if existing.config_sha256 == digest:
            return existing, False
        session.delete(existing)
        session.flush()
    commission = _build(config, text, digest)
    session.add(commission)
    session.flush()
    return commission, True


def _build(config: CommissionConfig, text: str, digest: str) -> Commission:
    head = config.commission
    commission = Commission(
        id=head.id,
        name=head.name,
        description=head.description,
        country=head.country,
        default_as_of=head.as_of,
        config_sha256=digest,
        config_text=text,
        loaded_at=datetime.now(UTC).replace(tzinfo=None),
    )
    commission.parties = [Party(key=p.id, name=p.name) for p in head.parties]
    factors = {
        f.id: Factor(key=f.id, name=f.name, description=f.description, position=n)
        for n, f in enumerate(config.factor)
    }
    scales = {
        s.id: Scale(
            key=s.id,
            name=s.name,
            levels=[
                ScaleLevel(value=lv.value, label=lv.label, rubric=lv.rubric) for lv in s.levels
            ],
        )
        for s in config.scale
    }
    gazetteer = load_gazetteer(head.country)
    areas = {
        a.id: Area(
            key=a.id,
            name=a.name,
            position=n,
            governorates=[
                AreaGovernorate(governorate=gazetteer.require(g, where=f"area {a.id}"))
                for g in a.governorates
            ],
        )
        for n, a in enumerate(config.area)
    }
    commission.factors = list(factors.values())
    commission.scales = list(scales.values())
    commission.areas = list(areas.values())
    commission.indicators = [
        Indicator(
            key=i.id,
            name=i.name,
            factor=factors[i.factor],
            scale=scales[i.scale] if i.scale else None,
            kind="rated" if i.scale else "measured",
            scope=i.scope,
            unit=i.unit,
            better=i.better,
            threshold=i.threshold,
            rationale=i.rationale,
            definition=i.model_dump(
                include={"source", "where", "series", "measure", "field"}, exclude_none=True
            ),
            position=n,
        )
        for n, i in enumerate(config.indicator)
    ]
    commission.phases = []
    for n, p in enumerate(config.phase):
        phase = Phase(
            key=p.id,
            name=p.name,
            description=p.description,
            after=p.after,
            min_duration_weeks=p.min_duration,
            position=n,
        )
        for area_id, area in areas.items():
            gate = p.gate.get(area_id, p.default_gate)
            if gate is not None:
                phase.gates.append(_gate(gate, area))
        commission.phases.append(phase)
    return commission


def _gate(gate: GateConfig, area: Area) -> Gate:
    return Gate(
        area=area,
        expression=gate.when,
        not_before=gate.not_before,
        no_later_than=gate.no_later_than,
    )


def get_commission(session: Session, *, commission_id: str) -> Commission:
    """The commission ``commission_id``, or NotFound naming the ones that exist."""
    commission = session.get(Commission, commission_id)
    if commission is None:
        known = ", ".join(session.scalars(select(Commission.id).order_by(Commission.id))) or "none"
        raise NotFound(
            f'no commission "{commission_id}" (loaded: {known}; run "hmc init")',
            commission=commission_id,
        )
    return commission


def resolve_as_of(commission: Commission, as_of: date | None) -> date:
    """The date asked for; else the commission's own (a replay's); else today."""
    return as_of or commission.default_as_of or date.today()


def list_commissions(session: Session) -> list[Commission]:
    """Every loaded commission."""
    return list(session.scalars(select(Commission).order_by(Commission.id)))
