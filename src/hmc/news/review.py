"""The review queue: what hmc proposed from news, and a person's decision on each item.

Members of a commission read the queue and the positions; co-chairs, members and analysts of
either party decide (``Permission.REVIEW_NEWS``): accept, edit (then accept), reject, or merge
with an event already known. Every decision is audited with who made it, and an item is
decided once. What an accepted item becomes is :mod:`hmc.news.becoming`'s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.errors import Conflict, InvalidInput, NotFound
from hmc.evidence.models import Event, Source
from hmc.news.becoming import become, recompute
from hmc.news.items import STATES
from hmc.news.models import NewsItem, NewsReport, PartyPosition
from hmc.news.schemas import (
    DecisionWrite,
    ItemDetail,
    ItemEdit,
    ItemRead,
    MatchRead,
    PositionRead,
    ReportRead,
)
from hmc.permissions import Permission, require

DECIDED = {"accept": "accepted", "edit": "edited", "reject": "rejected", "merge": "merged"}
_KEPT = ("state", "type", "category", "day", "date_from", "date_to", "place", "governorate",
         "actor", "target", "party", "killed", "wounded", "count")  # fmt: skip


def item_read(item: NewsItem, report: NewsReport) -> ItemRead:
    """``item`` as the queue shows it, with its sentence."""
    return ItemRead(
        id=item.id, report_id=item.report_id, state=item.state, type=item.type,
        category=item.category, date=item.day, date_from=item.date_from, date_to=item.date_to,
        date_text=item.date_text, place=item.place, governorate=item.governorate,
        actor=item.actor, target=item.target, party=item.party, killed=item.killed,
        wounded=item.wounded, count=item.count, count_qualifier=item.count_qualifier,
        span=(item.span_start, item.span_end), sentence=sentence(item, report),
        extractor=f"{item.extractor} {item.extractor_version}", decided_by=item.decided_by,
        decided_at=item.decided_at, event_id=item.event_id, observation_id=item.observation_id,
        outlet=report.outlet, published=report.published,
    )  # fmt: skip


def sentence(item: NewsItem, report: NewsReport) -> str:
    """The sentence of the report ``item`` was proposed from."""
    return report.text[item.span_start : item.span_end]


def list_items(
    session: Session, *, actor: Actor, commission_id: str, state: str | None = "proposed",
    limit: int = 200,
) -> list[ItemRead]:  # fmt: skip
    """The items in ``state`` (None: every item), newest report first."""
    require(actor, Permission.READ_REVIEW, commission_id)
    if state is not None and state not in STATES:
        raise InvalidInput(f'state: "{state}" is not one of {", ".join(STATES)}', field="state")
    query = select(NewsItem, NewsReport).join(NewsReport, NewsReport.id == NewsItem.report_id)
    if state is not None:
        query = query.where(NewsItem.state == state)
    query = query.order_by(NewsReport.published.desc(), NewsItem.id).limit(limit)
    return [item_read(item, report) for item, report in session.execute(query)]


def _found(session: Session, item_id: int) -> tuple[NewsItem, NewsReport]:
    item = session.get(NewsItem, item_id)
    if item is None:
        raise NotFound(f"no news item {item_id}", item=item_id)
    return item, session.get_one(NewsReport, item.report_id)


def item_detail(session: Session, *, actor: Actor, commission_id: str, item_id: int) -> ItemDetail:
    """One item, its report (as text) and the events it may report again."""
    require(actor, Permission.READ_REVIEW, commission_id)
    item, report = _found(session, item_id)
    return ItemDetail(
        item=item_read(item, report),
        report=ReportRead.model_validate(report),
        matches=matches(session, item=item),
    )


def report_items(
    session: Session, *, actor: Actor, commission_id: str, report_id: int
) -> tuple[ReportRead, list[ItemRead]]:
    """A report and every item proposed from it, in the order of the text."""
    require(actor, Permission.READ_REVIEW, commission_id)
    report = session.get(NewsReport, report_id)
    if report is None:
        raise NotFound(f"no news report {report_id}", report=report_id)
    items = session.scalars(
        select(NewsItem).where(NewsItem.report_id == report_id).order_by(NewsItem.span_start)
    )
    return ReportRead.model_validate(report), [item_read(i, report) for i in items]


def matches(session: Session, *, item: NewsItem) -> list[MatchRead]:
    """Events already known that ``item`` may report again: the same category, a day at most
    one apart, the same governorate; of any source (other outlets, UCDP, ACLED...)."""
    day = item.day or item.date_from
    if item.type != "event" or day is None or item.governorate is None:
        return []
    query = (
        select(
            Event.id,
            Source.key,
            Event.occurred_on,
            Event.category,
            Event.governorate,
            Event.location,
        )
        .join(Source, Source.id == Event.source_id)
        .where(
            Event.category == item.category,
            Event.governorate == item.governorate,
            Event.occurred_on.between(day - timedelta(days=1), day + timedelta(days=1)),
            Event.duplicate_of.is_(None),
        )
        .order_by(Event.occurred_on, Event.id)
        .limit(20)
    )
    if item.event_id is not None:
        query = query.where(Event.id != item.event_id)
    return [
        MatchRead(event_id=i, source=s, day=d, category=c, governorate=g, place=p)
        for i, s, d, c, g, p in session.execute(query)
    ]


def decide(
    session: Session, *, actor: Actor, commission_id: str, item_id: int, decision: DecisionWrite
) -> ItemRead:
    """Accept, edit (then accept), reject or merge an item; audited; then the indicators the
    new evidence makes stale are computed again."""
    require(actor, Permission.REVIEW_NEWS, commission_id)
    item, report = _found(session, item_id)
    if item.state != "proposed":
        raise Conflict(
            f"news item {item_id} was {item.state} already by {item.decided_by}", item=item_id
        )
    before = _fields(item)
    if decision.decision == "edit":
        _edit(item, decision.changes)
    elif decision.changes is not None:
        raise InvalidInput("changes are given with the decision edit", field="changes")
    if decision.decision == "merge" and decision.event_id is None:
        raise InvalidInput("merge: give the event the item reports again", field="event_id")
    item.state = DECIDED[decision.decision]
    item.decided_by = str(actor)
    item.decided_at = datetime.now(UTC).replace(tzinfo=None)
    became = {} if decision.decision == "reject" else become(
        session, actor=actor, commission_id=commission_id, item=item, report=report,
        merge_with=decision.event_id, topic=decision.topic,
    )  # fmt: skip
    session.flush()
    audit.record(
        session, actor=actor, action=decision.decision, object_type="news_item",
        object_id=item.id, commission_id=commission_id, before=before,
        after={**_fields(item), **became},
    )  # fmt: skip
    if item.event_id is not None or item.observation_id is not None:
        recompute(session, actor=actor)
    return item_read(item, report)


def _edit(item: NewsItem, changes: ItemEdit | None) -> None:
    if changes is None or not changes.model_fields_set:
        raise InvalidInput("edit: give the fields to change", field="changes")
    for name in changes.model_fields_set:
        value = getattr(changes, name)
        setattr(item, "day" if name == "date" else name, value if value is not None else None)
        if name in ("place", "actor", "target") and value is None:
            setattr(item, name, "")


def _fields(item: NewsItem) -> dict[str, object]:
    values = {name: getattr(item, name) for name in _KEPT}
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def positions(session: Session, *, actor: Actor, commission_id: str) -> list[PositionRead]:
    """What each party said, when, on what: newest first, each linked to its report."""
    require(actor, Permission.READ_REVIEW, commission_id)
    found = session.scalars(
        select(PartyPosition)
        .where(PartyPosition.commission_id == commission_id)
        .order_by(PartyPosition.said_on.desc(), PartyPosition.id.desc())
    )
    return [PositionRead.model_validate(p) for p in found]
