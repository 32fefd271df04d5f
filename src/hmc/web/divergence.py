"""The divergence page: how far the parties agreed in a round, and across the rounds."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from hmc.assessment.records import Divergence
from hmc.assessment.views import agreement_history, divergence
from hmc.deps import DatabaseDep, ViewerDep
from hmc.framework.service import list_commissions
from hmc.web import i18n
from hmc.web.forms import Id
from hmc.web.render import commission_of, frame, here, page

router = APIRouter(include_in_schema=False)
COLOURS = ["#1f5f8b", "#b07d00"]


def history_chart(history: list[Divergence], lang: str) -> dict[str, Any] | None:
    """A Vega-Lite line chart of kappa and exact agreement per round (None: no round).

    >>> history_chart([], "en") is None
    True
    """
    measured = [
        (d, key, value)
        for d in history
        for key, value in (("kappa", d.overall.kappa), ("exact_agreement", d.overall.exact))
        if value is not None
    ]
    if not measured:
        return None
    points = [
        {
            "round": d.round.name,
            "as_of": d.round.as_of.isoformat(),
            "measure": i18n.translate(lang, key),
            "value": round(value, 3),
        }
        for d, key, value in measured
    ]
    lowest = min(0.0, *(value for _, _, value in measured))
    return {
        "width": 420,
        "height": 160,
        "data": {"values": points},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "as_of", "type": "temporal", "title": None},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": None,
                "scale": {"domain": [lowest, 1]},
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "title": None,
                "scale": {"range": COLOURS},
                "legend": {"orient": "bottom"},
            },
            "tooltip": [
                {"field": "round", "type": "nominal", "title": i18n.translate(lang, "round")},
                {"field": "measure", "type": "nominal", "title": None},
                {"field": "value", "type": "quantitative", "title": None, "format": ".2f"},
            ],
        },
        "config": {"view": {"stroke": None}, "background": None},
    }


@router.api_route(
    "/rounds/{round_id}/divergence", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def divergence_page(
    round_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """Agreement over the round and per factor, each item's gap, and agreement across rounds."""
    with database.read() as session:
        found = divergence(session, viewer=viewer.actor, round_id=round_id)
        cid = found.round.commission_id
        history = agreement_history(session, viewer=viewer.actor, commission_id=cid)
        commissions = list_commissions(session)
    base = frame(lang, None, commissions, viewer)
    commission = commission_of(commissions, cid)
    factors = {i.indicator.factor.key: i.indicator.factor.name for i in found.items}
    return page(
        "divergence.html",
        200,
        base,
        current=cid,
        switch=here(f"/rounds/{round_id}/divergence", base["other_lang"]),
        commission=commission,
        parties=commission.parties,
        found=found,
        factors=factors,
        flagged={i.id for i in found.flagged},
        history=history,
        chart=history_chart(history, base["lang"]),
    )
