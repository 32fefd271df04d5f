"""What the API returns for a commission's status."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from hmc.timeline.status import CommissionStatus


class TrendPoint(BaseModel):
    period_start: date
    value: float


class IndicatorStatusRead(BaseModel):
    key: str
    name: str
    factor: str
    kind: str
    unit: str
    better: str
    threshold: float | None
    rationale: str
    area: str | None
    value: float | None
    latest_period: date | None
    met: bool | None
    disputed: bool = Field(
        description="A rated indicator whose latest joint rating is disputed: no joint value."
    )
    trend: list[TrendPoint]


class GateStatusRead(BaseModel):
    phase: str
    phase_name: str
    area: str
    area_name: str
    expression: str | None
    not_before: date | None
    no_later_than: date | None
    condition: bool | None
    held: bool | None
    reason: str
    reason_code: str
    values: dict[str, float | None]
    by_party: dict[str, bool | None] = Field(
        description="When a disputed rating leaves the conditions unknown: whether they hold"
        " on each party's own rating (empty otherwise)."
    )


class StatusRead(BaseModel):
    commission: str
    name: str
    as_of: date
    newest_evidence: date | None = Field(
        description="The last day covered by the evidence the indicators read, as known on"
        " as_of (null: none imported yet)."
    )
    stale_since: datetime | None = Field(
        description="Since when (UTC) the values are stale: evidence or the configuration"
        " changed after they were computed (null: they are current)."
    )
    indicators: list[IndicatorStatusRead]
    gates: list[GateStatusRead]

    @classmethod
    def of(cls, status: CommissionStatus) -> StatusRead:
        """The API view of a computed status."""
        return cls(
            commission=status.commission.id,
            name=status.commission.name,
            as_of=status.as_of,
            newest_evidence=status.newest_evidence,
            stale_since=status.stale_since,
            indicators=[
                IndicatorStatusRead(
                    key=s.indicator.key,
                    name=s.indicator.name,
                    factor=s.indicator.factor.key,
                    kind=s.indicator.kind,
                    unit=s.indicator.unit,
                    better=s.indicator.better,
                    threshold=s.indicator.threshold,
                    rationale=s.indicator.rationale,
                    area=s.area.key if s.area else None,
                    value=s.value,
                    latest_period=s.latest_period,
                    met=s.met,
                    disputed=s.disputed,
                    trend=[TrendPoint(period_start=d, value=v) for d, v in s.trend],
                )
                for s in status.indicators
            ],
            gates=[
                GateStatusRead(
                    phase=g.phase_key,
                    phase_name=g.phase_name,
                    area=g.gate.area.key,
                    area_name=g.gate.area.name,
                    expression=g.gate.expression,
                    not_before=g.gate.not_before,
                    no_later_than=g.gate.no_later_than,
                    condition=g.condition,
                    held=g.held,
                    reason=g.reason,
                    reason_code=g.reason_code,
                    values=g.values,
                    by_party=g.by_party,
                )
                for g in status.gates
            ],
        )
