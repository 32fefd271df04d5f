"""The joint report as a PDF download: read-only, for whoever may read the dashboard."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from hmc.api.assessment import CommissionId
from hmc.deps import AsOfDep, DatabaseDep, ViewerDep
from hmc.framework.service import framework, resolve_as_of
from hmc.permissions import Permission, require
from hmc.report.document import report_pdf

router = APIRouter(prefix="/api", tags=["report"])


@router.get(
    "/commissions/{commission_id}/report",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The report (PDF)."}},
)
def report(
    commission_id: CommissionId,
    database: DatabaseDep,
    viewer: ViewerDep,
    as_of: AsOfDep,
    lang: Annotated[
        Literal["en", "ar", "both"], Query(description="The report's language(s).")
    ] = "both",
    digits: Annotated[
        Literal["latin", "arabic-indic"],
        Query(description="The digits of the Arabic text: 0-9 or ٠-٩."),
    ] = "latin",
) -> Response:
    """The joint report as of a date: conditions, gates, timeline, divergences, sources and
    the audit chain's head; only what both parties released, for the commission's members."""
    require(viewer.actor, Permission.READ_REPORT, commission_id)
    with database.read() as session:
        day = resolve_as_of(framework(session, commission_id=commission_id).commission, as_of)
        pdf = report_pdf(session, commission_id=commission_id, as_of=day, lang=lang, digits=digits)
    name = f"{commission_id}-report-{day.isoformat()}-{lang}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
