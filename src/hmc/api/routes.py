"""JSON endpoints under /api. Thin: each calls a service and returns its schema."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Response
from pydantic import BaseModel

import hmc
from hmc.api import account, assessment, audit, docs, evidence, meetings, report, review, timeline
from hmc.deps import AsOfDep, DatabaseDep, signed_in
from hmc.errors import InvalidInput
from hmc.framework.schemas import CommissionSummary
from hmc.framework.service import framework, list_commissions, resolve_as_of
from hmc.indicators.service import series
from hmc.timeline.schemas import StatusRead, TrendPoint
from hmc.timeline.status import CommissionStatus, kept

router = APIRouter(prefix="/api")
public = APIRouter(prefix="/api")  # needs no sign-in


class Health(BaseModel):
    status: Literal["ok"]
    version: str


@public.get("/health", response_model=Health, tags=["health"])
def health(database: DatabaseDep) -> Health:
    """Whether the server can serve: 200 when its database is there and up to date, else 503."""
    database.check()
    return Health(status="ok", version=hmc.__version__)


@router.get("/commissions", response_model=list[CommissionSummary], tags=["commissions"])
def commissions(database: DatabaseDep) -> list[CommissionSummary]:
    """Every loaded commission."""
    with database.read() as session:
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
def commission_status(commission_id: str, database: DatabaseDep, as_of: AsOfDep) -> Response:
    """Indicators and gates as known on ``as_of``."""
    with database.read() as session:  # its JSON made once per version of the status
        body = kept(session, commission_id=commission_id, as_of=as_of, name="api", make=_json)
    return Response(body, media_type="application/json")


def _json(found: CommissionStatus) -> bytes:
    return StatusRead.of(found).model_dump_json().encode()


@router.get(
    "/commissions/{commission_id}/indicators/{key}/series",
    response_model=list[TrendPoint],
    tags=["indicators"],
)
def indicator_series(
    commission_id: str,
    key: str,
    database: DatabaseDep,
    as_of: AsOfDep,
    area: Annotated[
        str | None, Query(description="Area id, in any case (default: nationwide).")
    ] = None,
    period: Annotated[Literal["week", "month"], Query()] = "week",
) -> list[TrendPoint]:
    """One indicator's values, weekly or monthly, nationwide or for an area."""
    with database.read() as session:
        current = framework(session, commission_id=commission_id)
        indicator = current.indicator(key)
        found = None if area is None else current.area(area)
        if found is not None and indicator.scope != "area":
            # its values are nationwide only: answering them for an area would mislead
            raise InvalidInput(
                f'indicator "{key}" is measured nationwide, not per area (leave out "area")',
                indicator=key,
                area=area,
            )
        known_on = resolve_as_of(current.commission, as_of)
        result = series(session, indicator=indicator, area=found, period=period, as_of=known_on)
    return [
        TrendPoint(period_start=d, value=v)
        for d, v in zip(result.period_starts, result.values, strict=True)
    ]


def install(app: FastAPI) -> None:
    """Add the API and its documentation (/openapi.json, /docs) to ``app``.

    Every endpoint but the health check needs a signed-in member or a personal API token.
    """
    app.include_router(public)
    protected_routers = (
        account.router,
        assessment.router,
        audit.router,
        evidence.router,
        review.router,
    )
    meeting_routers = (meetings.calendar, meetings.router)
    for protected in (router, *protected_routers, timeline.router, *meeting_routers, report.router):
        app.include_router(protected, dependencies=[Depends(signed_in)])
    app.include_router(docs.public)
    app.include_router(docs.router, dependencies=[Depends(signed_in)])
