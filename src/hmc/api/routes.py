"""JSON endpoints under /api. Thin: each calls a service and returns its schema."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from hmc.api.deps import AsOfDep, SessionDep
from hmc.errors import InvalidInput, NotFound
from hmc.framework.schemas import CommissionSummary
from hmc.framework.service import get_commission, list_commissions, resolve_as_of
from hmc.indicators.service import series
from hmc.timeline.schemas import StatusRead, TrendPoint
from hmc.timeline.status import status

router = APIRouter(prefix="/api")


@router.get("/commissions", response_model=list[CommissionSummary], tags=["commissions"])
def commissions(session: SessionDep) -> list[CommissionSummary]:
    """Every loaded commission."""
    return [
        CommissionSummary(
            id=c.id,
            name=c.name,
            description=c.description,
            country=c.country,
            parties=[p.key for p in c.parties],
        )
        for c in list_commissions(session)
    ]


@router.get("/commissions/{commission_id}/status", response_model=StatusRead, tags=["status"])
def commission_status(commission_id: str, session: SessionDep, as_of: AsOfDep) -> StatusRead:
    """Indicators and gates as known on ``as_of``."""
    return StatusRead.of(status(session, commission_id=commission_id, as_of=as_of))


@router.get(
    "/commissions/{commission_id}/indicators/{key}/series",
    response_model=list[TrendPoint],
    tags=["indicators"],
)
def indicator_series(
    commission_id: str,
    key: str,
    session: SessionDep,
    as_of: AsOfDep,
    area: Annotated[str | None, Query(description="Area id (default: nationwide).")] = None,
    period: Annotated[Literal["week", "month"], Query()] = "week",
) -> list[TrendPoint]:
    """One indicator's values, weekly or monthly, nationwide or for an area."""
    commission = get_commission(session, commission_id=commission_id)
    indicator = next((i for i in commission.indicators if i.key == key), None)
    if indicator is None:
        raise NotFound(f'no indicator "{key}" in {commission_id}', indicator=key)
    found = None
    if area is not None:
        found = next((a for a in commission.areas if a.key == area), None)
        if found is None:
            raise NotFound(f'no area "{area}" in {commission_id}', area=area)
        if indicator.scope != "area":
            # its values are nationwide only: answering them for an area would mislead
            raise InvalidInput(
                f'indicator "{key}" is measured nationwide, not per area (leave out "area")',
                indicator=key,
                area=area,
            )
    known_on = resolve_as_of(commission, as_of)
    result = series(session, indicator=indicator, area=found, period=period, as_of=known_on)
    return [
        TrendPoint(period_start=d, value=v)
        for d, v in zip(result.period_starts, result.values, strict=True)
    ]
