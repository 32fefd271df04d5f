"""Pages of assessment rounds: the list, one round with the forms its state allows.

A refused form comes back as it was typed (see :mod:`hmc.web.forms`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hmc.assessment import DEFAULT_FLAG_GAP, service
from hmc.assessment.records import JointInfo, RatingInfo, RoundInfo, RoundView
from hmc.assessment.schemas import INT32
from hmc.assessment.views import list_rounds, round_view
from hmc.deps import Database, DatabaseDep, Viewer, ViewerDep
from hmc.domain.days import typed_day
from hmc.errors import HmcError, InvalidInput, NotFound
from hmc.framework.service import list_commissions
from hmc.permissions import Grants, Permission
from hmc.settings import get_settings
from hmc.storage import Session
from hmc.web.forms import Id, Lang, Problem, Short, Text, evidence_links, whole, written
from hmc.web.render import commission_of, frame, here, member_names, page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Allowed:
    """What the viewer may do in a round as it stands (the services check it again)."""

    draft: bool
    submit: bool
    reconcile: bool
    sign: bool
    amend: bool


def allowed(view: RoundView, viewer: Viewer) -> Allowed:
    """The forms to show ``viewer`` in ``view``: what they may do, where the round's state
    lets it be done."""
    grants = Grants(viewer.actor, view.round.commission_id)
    party, state = view.viewer_party, view.round.state
    drafting = state == "drafting" and party not in view.round.submitted
    released = state == "released"
    return Allowed(
        draft=drafting and grants.may(Permission.DRAFT_RATING),
        submit=drafting and grants.may(Permission.SUBMIT),
        reconcile=released and grants.may(Permission.RECONCILE),
        sign=released and grants.may(Permission.SIGN) and party not in view.round.signed_by,
        amend=state == "signed" and grants.may(Permission.AMEND),
    )


def _from_rating(rating: RatingInfo | None) -> dict[str, str]:
    if rating is None:
        return {"level": "", "confidence": "medium", "rationale": "", "evidence": "", "version": ""}
    return {
        "level": str(rating.level),
        "confidence": rating.confidence,
        "rationale": rating.rationale,
        "evidence": "\n".join(f"{e.get('kind', '')} {e.get('ref', '')}" for e in rating.evidence),
        "version": str(rating.version),
    }


def _from_joint(joint: JointInfo | None) -> dict[str, str]:
    if joint is None:
        return {"choice": "", "note": "", "version": ""}
    choice = "disputed" if joint.disputed else str(joint.level)
    return {"choice": choice, "note": joint.note, "version": str(joint.version)}


def filled(view: RoundView, problem: Problem | None) -> dict[int, dict[str, str]]:
    """What each item's form shows: what was just typed, else what is stored."""
    forms = {}
    for item in view.items:
        if view.round.state == "drafting":
            own = item.ratings.get(view.viewer_party) if view.viewer_party else None
            forms[item.id] = _from_rating(own)
        else:
            forms[item.id] = _from_joint(item.joint)
        if problem is not None and problem.item == item.id:
            forms[item.id] = {**forms[item.id], **problem.typed}
    return forms


def show_round(
    database: Database,
    viewer: Viewer,
    round_id: int,
    lang: str | None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The round page as ``viewer`` may see it, with ``problem`` said where it happened."""
    with database.read() as session:
        view = round_view(session, viewer=viewer.actor, round_id=round_id)
        commissions = list_commissions(session)
        names = member_names(session)
    base = frame(lang, None, commissions, viewer)
    commission = commission_of(commissions, view.round.commission_id)
    return page(
        "round.html",
        problem.status if problem else 200,
        base,
        current=commission.id,
        switch=here(f"/rounds/{round_id}", base["other_lang"]),
        commission=commission,
        parties={p.key: p.name for p in commission.parties},
        view=view,
        allowed=allowed(view, viewer),
        grants=Grants(viewer.actor, commission.id),
        filled=filled(view, problem),
        flagged={i.id for i in view.flagged},
        problem=problem,
        who=names,
    )


def show_rounds(
    database: Database,
    viewer: Viewer,
    commission_id: str,
    lang: str | None,
    problem: Problem | None = None,
) -> HTMLResponse:
    """The commission's rounds, and the form to open one for a co-chair."""
    with database.read() as session:
        commissions = list_commissions(session)
        commission = commission_of(commissions, commission_id)
        rounds = list_rounds(session, viewer=viewer.actor, commission_id=commission_id)
    base = frame(lang, None, commissions, viewer)
    typed = problem.typed if problem else {}
    return page(
        "rounds.html",
        problem.status if problem else 200,
        base,
        current=commission_id,
        switch=here(f"/commissions/{commission_id}/rounds", base["other_lang"]),
        commission=commission,
        parties={p.key: p.name for p in commission.parties},
        rounds=rounds,
        may_open=Grants(viewer.actor, commission_id).may(Permission.OPEN_ROUND),
        problem=problem,
        typed={
            "name": typed.get("name", ""),
            "as_of": typed.get("as_of", date.today().isoformat()),
            "flag_gap": typed.get("flag_gap", str(DEFAULT_FLAG_GAP)),
            "exercise": typed.get("exercise", ""),
        },
    )


@router.api_route("/rounds", methods=["GET", "HEAD"])
def rounds_home(viewer: ViewerDep, lang: str | None = None) -> RedirectResponse:
    """On to the rounds of the member's commission (an administrator's: the default one)."""
    commission_id = viewer.member.commission_id or get_settings().default_commission
    return RedirectResponse(here(f"/commissions/{commission_id}/rounds", lang), status_code=303)


@router.api_route(
    "/commissions/{commission_id}/rounds", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def rounds_page(
    commission_id: str, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """The commission's rounds, newest first."""
    return show_rounds(database, viewer, commission_id, lang)


@router.post("/commissions/{commission_id}/rounds", response_class=HTMLResponse)
def open_form(
    commission_id: str,
    database: DatabaseDep,
    viewer: ViewerDep,
    name: Short = "",
    as_of: Short = "",
    flag_gap: Short = "",
    exercise: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair opens a round; on to it."""
    typed = {"name": name, "as_of": as_of, "flag_gap": flag_gap, "exercise": exercise}

    def write(session: Session) -> RoundInfo:
        day = typed_day(as_of.strip(), field="as_of")
        gap = whole(flag_gap, "flag_gap")
        return service.open_round(
            session,
            actor=viewer.actor,
            commission_id=commission_id,
            name=name,
            as_of=day,
            flag_gap=DEFAULT_FLAG_GAP if gap is None else gap,
            exercise=bool(exercise),
        )

    return written(
        database,
        write,
        then=lambda opened: here(f"/rounds/{opened.id}", lang),
        again=lambda exc: show_rounds(
            database, viewer, commission_id, lang, Problem.of(exc, "not_opened", typed=typed)
        ),
    )


@router.api_route("/rounds/{round_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def round_page(
    round_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """A round: its items, the ratings the viewer may see, and the forms they may use."""
    return show_round(database, viewer, round_id, lang)


def _check_item(session: Session, viewer: Viewer, round_id: int, item_id: int) -> None:
    """Refuse an item that is not one of the round's (NotFound)."""
    items = round_view(session, viewer=viewer.actor, round_id=round_id).items
    if item_id not in {i.id for i in items}:
        raise NotFound(f"round {round_id} has no item {item_id}", item=item_id)


def _refused(exc: HmcError, item_id: int, typed: dict[str, str]) -> Problem:
    """The problem of a form on an item: a save made meanwhile keeps what was typed, and
    takes the stored version, so that saving again applies it."""
    if "current_version" in exc.details:
        current = exc.details["current_version"]
        kept = {**typed, "version": "" if current is None else str(current)}
        return Problem(exc.status, "changed_meanwhile", exc.message, item_id, kept)
    if "lead" in exc.details:  # a choice left blank: said by the page, in its language
        return Problem(exc.status, str(exc.details["lead"]), "", item_id, typed)
    return Problem.of(exc, "not_saved", item_id, typed)


def _save_item(
    database: Database,
    viewer: Viewer,
    round_id: int,
    item_id: int,
    lang: str | None,
    typed: dict[str, str],
    save: Callable[[Session], object],
) -> Response:
    """``save`` an item of the round; back to the item, or the page again saying why not."""

    def write(session: Session) -> None:
        _check_item(session, viewer, round_id, item_id)
        save(session)

    return written(
        database,
        write,
        then=lambda _: here(f"/rounds/{round_id}", lang, f"item-{item_id}"),
        again=lambda exc: show_round(
            database, viewer, round_id, lang, _refused(exc, item_id, typed)
        ),
    )


def _chosen(text: str, lead: str) -> int:
    """The level chosen by a radio button, or InvalidInput when none was."""
    number = whole(text, "level")
    if number is None:
        raise InvalidInput("choose one", field="level", lead=lead)
    return number


@router.post("/rounds/{round_id}/items/{item_id}/rating", response_class=HTMLResponse)
def rating_form(
    round_id: Id,
    item_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    level: Short = "",
    confidence: Short = "",
    rationale: Text = "",
    evidence: Text = "",
    version: Short = "",
    lang: Lang = None,
) -> Response:
    """Save the party's draft rating of an item; back to the item."""
    typed = {
        "level": level,
        "confidence": confidence,
        "rationale": rationale,
        "evidence": evidence,
        "version": version,
    }

    def save(session: Session) -> int:
        return service.save_rating(
            session,
            actor=viewer.actor,
            item_id=item_id,
            level=_chosen(level, "choose_level"),
            confidence=confidence,
            rationale=rationale,
            evidence=evidence_links(evidence),
            version=whole(version, "version"),
        )

    return _save_item(database, viewer, round_id, item_id, lang, typed, save)


@router.post("/items/{item_id}/joint", response_class=HTMLResponse)
def joint_form(
    item_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    round_id: Annotated[int, Form(alias="round", ge=1, le=INT32)],
    choice: Short = "",
    note: Text = "",
    version: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair records the joint rating of an item, or marks it disputed; back to it."""
    typed = {"choice": choice, "note": note, "version": version}
    disputed = choice.strip() == "disputed"

    def save(session: Session) -> int:
        return service.reconcile(
            session,
            actor=viewer.actor,
            item_id=item_id,
            level=None if disputed else _chosen(choice, "choose_joint"),
            disputed=disputed,
            note=note,
            version=whole(version, "version"),
        )

    return _save_item(database, viewer, round_id, item_id, lang, typed, save)


def _act(
    database: Database,
    viewer: Viewer,
    round_id: int,
    lang: str | None,
    lead: str,
    action: Callable[..., RoundInfo],
) -> Response:
    """Do a round's ``action``; on to the round it gives, or the round again with why not."""
    return written(
        database,
        lambda session: action(session, actor=viewer.actor, round_id=round_id),
        then=lambda done: here(f"/rounds/{done.id}", lang),
        again=lambda exc: show_round(database, viewer, round_id, lang, Problem.of(exc, lead)),
    )


@router.post("/rounds/{round_id}/submit", response_class=HTMLResponse)
def submit_form(
    round_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: Lang = None
) -> Response:
    """A co-chair hands in the party's ratings."""
    return _act(database, viewer, round_id, lang, "not_submitted", service.submit)


@router.post("/rounds/{round_id}/sign", response_class=HTMLResponse)
def sign_form(
    round_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    reviewed: Short = "",
    lang: Lang = None,
) -> Response:
    """A co-chair signs the round's joint ratings, as they were shown on the page."""
    sign = partial(service.sign, reviewed=reviewed or None)
    return _act(database, viewer, round_id, lang, "not_signed", sign)


@router.post("/rounds/{round_id}/amend", response_class=HTMLResponse)
def amend_form(
    round_id: Id, database: DatabaseDep, viewer: ViewerDep, lang: Lang = None
) -> Response:
    """A co-chair opens an amendment of a signed round; on to the new round."""
    return _act(database, viewer, round_id, lang, "not_amended", service.amend)
