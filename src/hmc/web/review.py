"""Pages of the news review queue: the reports with items awaiting a decision, one report
with each item's sentence marked and its fields in a form (accept, edit, reject, merge with
an event), and the parties' positions.

A report is shown as text, never as HTML: it carries the markup and scripts it came with.
Every decision goes through :func:`hmc.news.review.decide` (audited); a refused form comes
back as it was typed (see :mod:`hmc.web.forms`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from hmc.assessment.schemas import INT32
from hmc.deps import Database, DatabaseDep, Viewer, ViewerDep
from hmc.domain.days import typed_day
from hmc.errors import InvalidInput
from hmc.framework.service import list_commissions
from hmc.news.items import CATEGORIES, STATES, TOPICS, TYPES
from hmc.news.places import governorate_names
from hmc.news.review import decide, item_detail, list_items, positions, report_items
from hmc.news.schemas import DecisionWrite, ItemEdit, ItemRead, MatchRead
from hmc.permissions import Grants, Permission
from hmc.storage import Session
from hmc.web import i18n
from hmc.web.forms import Id, Lang, Problem, Short, whole, written
from hmc.web.render import commission_of, frame, here, member_names, page

router = APIRouter(include_in_schema=False)
Filter = Annotated[str, Query(max_length=32)]
FIELDS = ("type", "category", "date", "date_from", "date_to", "place", "governorate", "actor",
          "target", "party", "killed", "wounded", "count")  # fmt: skip
NUMBERS = ("killed", "wounded", "count")
DAYS = ("date", "date_from", "date_to")
REQUIRED = ("type", "category")  # left blank: kept as they are


@dataclass(frozen=True)
class Piece:
    """A stretch of a report's text; ``items`` are those proposed from it (none: unmarked)."""

    text: str
    items: tuple[int, ...] = ()


def pieces(text: str, items: list[ItemRead]) -> list[Piece]:
    """``text`` cut at the items' sentences, each sentence once with the items it gave.

    >>> a = ItemRead.model_construct(id=1, span=(4, 7))
    >>> b = ItemRead.model_construct(id=2, span=(4, 7))
    >>> pieces("One two three", [a, b])
    [Piece(text='One ', items=()), Piece(text='two', items=(1, 2)), Piece(text=' three', items=())]
    """
    spans: dict[tuple[int, int], list[int]] = {}
    for item in sorted(items, key=lambda i: i.span):
        start, end = item.span
        last = next(reversed(spans), None)
        if last is not None and start < last[1]:  # overlapping sentences are marked as one
            ids = spans.pop(last)
            spans[(last[0], max(end, last[1]))] = [*ids, item.id]
        else:
            spans[(start, end)] = [item.id]
    cut, at = [], 0
    for (start, end), ids in spans.items():
        if start > at:
            cut.append(Piece(text[at:start]))
        cut.append(Piece(text[start:end], tuple(ids)))
        at = end
    if at < len(text):
        cut.append(Piece(text[at:]))
    return cut


def stored(item: ItemRead) -> dict[str, str]:
    """What an item's form shows of its stored fields."""
    values = {name: getattr(item, name) for name in FIELDS}
    return {k: "" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v)
            for k, v in values.items()}  # fmt: skip


def changes(item: ItemRead, typed: dict[str, str]) -> ItemEdit:
    """The fields typed differently from what is stored, as an edit (blank clears)."""
    was = stored(item)
    changed: dict[str, Any] = {}
    for name in FIELDS:
        text = typed.get(name, "").strip()
        if text == was[name] or (name in REQUIRED and not text):
            continue
        if name in NUMBERS:
            changed[name] = whole(text, name)
        elif name in DAYS:
            changed[name] = typed_day(text, field=name) if text else None
        else:
            changed[name] = text or None
    try:
        return ItemEdit(**changed)
    except ValueError as exc:  # a pydantic ValidationError is a ValueError
        raise InvalidInput(f"the item cannot be changed so: {exc}") from None


def decision(item: ItemRead, typed: dict[str, str], do: str, merge: str, topic: str
             ) -> DecisionWrite:  # fmt: skip
    """The decision a pressed button asks for: accept (as the form shows it: edited when
    fields were changed), edit (then accept), reject, merge (with a suggested event, or the
    one whose number is typed)."""
    if merge.strip():
        do = "merge"
    if do not in ("accept", "edit", "reject", "merge"):
        raise InvalidInput("choose accept, edit, reject or merge", field="do")
    event_id = whole(merge or typed.get("event_id", ""), "event_id") if do == "merge" else None
    chosen = topic.strip() or None
    if chosen is not None and chosen not in TOPICS:
        raise InvalidInput(f'topic: "{topic}" is not one of {", ".join(TOPICS)}', field="topic")
    edit = changes(item, typed) if do in ("accept", "edit") else None
    if do == "accept" and edit is not None and edit.model_fields_set:
        do = "edit"  # accepted as the form shows it: with the fields changed in it
    return DecisionWrite(
        decision=do,  # checked just above
        changes=edit if do == "edit" else None,
        event_id=event_id,
        topic=chosen,
    )


def confirmed(path: str, lang: str | None, item_id: int) -> str:
    """The report page confirming the decision on ``item_id``, at the item.

    >>> confirmed("/commissions/c/review/4", "ar", 9)
    '/commissions/c/review/4?decided=9&lang=ar#item-9'
    """
    language = here("", lang).removeprefix("?")
    return f"{path}?decided={item_id}{'&' + language if language else ''}#item-{item_id}"


def _queue(session: Session, viewer: Viewer, commission_id: str) -> dict[str, Any]:
    """The reports with items, newest first, each with its items counted by state."""
    items = list_items(session, actor=viewer.actor, commission_id=commission_id, state=None,
                       limit=5000)  # fmt: skip
    reports: dict[int, dict[str, Any]] = {}
    for item in items:
        entry = reports.setdefault(
            item.report_id,
            {"id": item.report_id, "outlet": item.outlet, "published": item.published,
             "first": item.sentence, "states": dict.fromkeys(STATES, 0)},
        )  # fmt: skip
        entry["states"][item.state] += 1
    totals = {s: sum(r["states"][s] for r in reports.values()) for s in STATES}
    waiting = [r for r in reports.values() if r["states"]["proposed"]]
    done = [r for r in reports.values() if not r["states"]["proposed"]]
    return {"waiting": waiting, "done": done, "totals": totals}


@dataclass(frozen=True)
class Shown:
    """A page of a commission's news review: its template, path and status."""

    name: str
    path: str
    status: int = 200


def shown(
    database: Database,
    viewer: Viewer,
    commission_id: str,
    lang: str | None,
    what: Shown,
    read: Callable[[Session], dict[str, Any]],
) -> HTMLResponse:
    """The page ``what`` of the commission, with what ``read`` finds in the database."""
    with database.read() as session:
        commissions = list_commissions(session)
        commission = commission_of(commissions, commission_id)
        context = read(session)
    base = frame(lang, None, commissions, viewer)
    return page(
        what.name,
        what.status,
        base,
        current=commission_id,
        switch=here(what.path, base["other_lang"]),
        commission=commission,
        parties={p.key: i18n.configured(p, "name", base["lang"]) for p in commission.parties},
        **context,
    )


@router.api_route(
    "/commissions/{commission_id}/review", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def review_page(
    commission_id: str, database: DatabaseDep, viewer: ViewerDep, lang: str | None = None
) -> HTMLResponse:
    """The reports whose items await a decision (and those decided), with counts."""
    what = Shown("review.html", f"/commissions/{commission_id}/review")
    return shown(database, viewer, commission_id, lang, what,
                 lambda session: _queue(session, viewer, commission_id))  # fmt: skip


def show_report(
    database: Database,
    viewer: Viewer,
    commission_id: str,
    report_id: int,
    lang: str | None,
    problem: Problem | None = None,
    decided: int | None = None,
) -> HTMLResponse:
    """A report with its items marked and, to whom may decide, their forms; ``decided``:
    the item just decided, whose decision the page confirms."""

    def read(session: Session) -> dict[str, Any]:
        report, items = report_items(
            session, actor=viewer.actor, commission_id=commission_id, report_id=report_id
        )
        forms = {i.id: stored(i) for i in items}
        if problem is not None and problem.item in forms:
            forms[problem.item] = {**forms[problem.item], **problem.typed}
        return {
            "report": report,
            "items": items,
            "pieces": pieces(report.text, items),
            "suggested": _suggested(session, viewer, commission_id, items),
            "forms": forms,
            "may_decide": Grants(viewer.actor, commission_id).may(Permission.REVIEW_NEWS),
            "types": TYPES,
            "categories": CATEGORIES,
            "topics": TOPICS,
            "governorates": governorate_names(),
            "problem": problem,
            "done": next((i for i in items if i.id == decided and i.state != "proposed"), None),
            "who": member_names(session),
        }

    path = f"/commissions/{commission_id}/review/{report_id}"
    what = Shown("review_report.html", path, problem.status if problem else 200)
    return shown(database, viewer, commission_id, lang, what, read)


def _suggested(
    session: Session, viewer: Viewer, commission_id: str, items: list[ItemRead]
) -> dict[int, list[MatchRead]]:
    """The events each item awaiting review may report again."""
    return {
        i.id: item_detail(session, actor=viewer.actor, commission_id=commission_id,
                          item_id=i.id).matches
        for i in items if i.state == "proposed"
    }  # fmt: skip


@router.api_route(
    "/commissions/{commission_id}/review/{report_id}",
    methods=["GET", "HEAD"],
    response_class=HTMLResponse,
)
def report_page(
    commission_id: str,
    report_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    lang: str | None = None,
    decided: Annotated[int | None, Query(ge=1, le=INT32)] = None,
) -> HTMLResponse:
    """One report as text, each item's sentence marked, and the decisions on its items
    (``decided``: the item just decided, confirmed at the top)."""
    return show_report(database, viewer, commission_id, report_id, lang, decided=decided)


@router.post("/commissions/{commission_id}/review/items/{item_id}", response_class=HTMLResponse)
def decide_form(
    commission_id: str,
    item_id: Id,
    database: DatabaseDep,
    viewer: ViewerDep,
    do: Short = "",
    merge: Short = "",
    topic: Short = "",
    type: Short = "",
    category: Short = "",
    date: Short = "",
    date_from: Short = "",
    date_to: Short = "",
    place: Short = "",
    governorate: Short = "",
    actor: Short = "",
    target: Short = "",
    party: Short = "",
    killed: Short = "",
    wounded: Short = "",
    count: Short = "",
    event_id: Short = "",
    lang: Lang = None,
) -> Response:
    """Accept, edit (then accept), reject or merge an item; back to its report, which says
    what was decided, or the report again saying why not."""
    typed = {"type": type, "category": category, "date": date, "date_from": date_from,
             "date_to": date_to, "place": place, "governorate": governorate, "actor": actor,
             "target": target, "party": party, "killed": killed, "wounded": wounded,
             "count": count, "event_id": event_id}  # fmt: skip
    with database.read() as session:
        item = item_detail(session, actor=viewer.actor, commission_id=commission_id,
                           item_id=item_id).item  # fmt: skip

    def write(session: Session) -> ItemRead:
        chosen = decision(item, typed, do.strip(), merge, topic)
        return decide(session, actor=viewer.actor, commission_id=commission_id,
                      item_id=item_id, decision=chosen)  # fmt: skip

    path = f"/commissions/{commission_id}/review/{item.report_id}"
    return written(
        database,
        write,
        then=lambda done: confirmed(path, lang, done.id),
        again=lambda exc: show_report(
            database,
            viewer,
            commission_id,
            item.report_id,
            lang,
            Problem.of(exc, "not_decided", item_id, typed),
        ),
    )


@router.api_route(
    "/commissions/{commission_id}/positions", methods=["GET", "HEAD"], response_class=HTMLResponse
)
def positions_page(
    commission_id: str,
    database: DatabaseDep,
    viewer: ViewerDep,
    lang: str | None = None,
    party: Filter = "",
    topic: Filter = "",
) -> HTMLResponse:
    """What each party said, when, on what topic, each linked to its report; filtered."""

    def read(session: Session) -> dict[str, Any]:
        found = positions(session, actor=viewer.actor, commission_id=commission_id)
        return {
            "topics": TOPICS,
            "positions": [p for p in found if party in ("", p.party) and topic in ("", p.topic)],
            "total": len(found),
            "typed": {"party": party, "topic": topic},
        }

    what = Shown("positions.html", f"/commissions/{commission_id}/positions")
    return shown(database, viewer, commission_id, lang, what, read)
