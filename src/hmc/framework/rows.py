"""A validated configuration as framework rows, and what makes two rows the same item.

Two rows of one id are the same when their content is: everything but the database's own
columns and the display order. A load compares the rows a file asks for with the current
ones by :func:`content` to see what was added, changed or removed.
"""

from __future__ import annotations

from typing import Any

from hmc.framework.models import (
    Area,
    AreaGovernorate,
    Factor,
    Gate,
    Indicator,
    Phase,
    Scale,
    ScaleLevel,
    Versioned,
)
from hmc.framework.schemas import CommissionConfig, IndicatorConfig
from hmc.gazetteers import load_gazetteer

Row = Factor | Scale | Indicator | Area | Phase | Gate
KINDS: tuple[tuple[str, type[Row]], ...] = (
    ("factor", Factor),
    ("scale", Scale),
    ("area", Area),
    ("indicator", Indicator),
    ("phase", Phase),
    ("gate", Gate),
)
_OWN = frozenset({"id", "commission_id", "position", "added_in", "replaced_in"})
DEFINITION = frozenset(
    {"source", "where", "series", "measure", "field", "base", "account", "window", "derive"}
)


def definition(config: CommissionConfig, indicator: IndicatorConfig) -> dict[str, Any]:
    """What a measured indicator computes, whole: a derived one holds its inputs' definitions,
    one counted by a party's account names the commission whose accounts it reads."""
    found = indicator.model_dump(include=set(DEFINITION), exclude_none=True)
    if indicator.account is not None:
        found["commission"] = config.commission.id
    if indicator.of:
        by_id = {i.id: i for i in config.indicator}
        found["of"] = [definition(config, by_id[name]) for name in indicator.of]
    return found


def content(row: Versioned) -> tuple[Any, ...]:
    """What a row says, without the database's own columns and the display order."""
    table = row.__table__  # type: ignore[attr-defined]
    own = tuple((c.name, getattr(row, c.key)) for c in table.columns if c.name not in _OWN)
    if isinstance(row, Scale):
        return (*own, tuple((lv.value, lv.label, lv.rubric) for lv in row.levels))
    if isinstance(row, Area):
        return (*own, tuple(sorted((g.governorate, g.since) for g in row.governorates)))
    return own


def build_rows(config: CommissionConfig) -> dict[str, list[Row]]:
    """The rows a configuration asks for, per kind, in the file's order (not yet stored)."""
    gazetteer = load_gazetteer(config.commission.country)
    rows: dict[str, list[Row]] = {kind: [] for kind, _ in KINDS}
    rows["factor"] = [
        Factor(key=f.id, name=f.name, description=f.description) for f in config.factor
    ]
    rows["scale"] = [
        Scale(
            key=s.id,
            name=s.name,
            levels=[
                ScaleLevel(value=lv.value, label=lv.label, rubric=lv.rubric) for lv in s.levels
            ],
        )
        for s in config.scale
    ]
    rows["area"] = [
        Area(
            key=a.id,
            name=a.name,
            governorates=[
                AreaGovernorate(
                    governorate=gazetteer.require(g, where=f"area {a.id}"), since=a.since(g)
                )
                for g in a.governorate_names
            ],
        )
        for a in config.area
    ]
    rows["indicator"] = [
        Indicator(
            key=i.id,
            name=i.name,
            factor_key=i.factor,
            scale_key=i.scale,
            kind="rated" if i.scale else "measured",
            scope=i.scope,
            unit=i.unit,
            better=i.better,
            threshold=i.threshold,
            rationale=i.rationale,
            definition=definition(config, i),
        )
        for i in config.indicator
    ]
    for p in config.phase:
        rows["phase"].append(
            Phase(
                key=p.id,
                name=p.name,
                description=p.description,
                after=p.after,
                min_duration_weeks=p.min_duration,
            )
        )
        for a in config.area:
            gate = p.gate.get(a.id, p.default_gate)
            if gate is not None:
                rows["gate"].append(
                    Gate(
                        key=f"{p.id}/{a.id}",
                        phase_key=p.id,
                        area_key=a.id,
                        expression=gate.when,
                        not_before=gate.not_before,
                        no_later_than=gate.no_later_than,
                    )
                )
    return rows
