"""Linking reports of one event by two sources, so that it is counted once; undoing a link.

The rule (settings ``HMC_LINK_DAYS`` and ``HMC_LINK_KM``, categories' ``compatible`` in the
configuration): a new event of one source is the same event as one of another source when
their dates are at most ``link_days`` apart, their places are near (coordinates at most
``link_km`` apart; without coordinates on both, the same governorate and the same place
name) and their categories are compatible (the same, or declared compatible). Of several
such events, the closest in days, then in distance, is the one it is linked to. The new
event then counts as a duplicate of it (``Event.duplicate_of``); a person may undo the link.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.domain.gazetteer import fold
from hmc.errors import Conflict, Forbidden, NotFound
from hmc.evidence.categories import Categories
from hmc.evidence.models import Event, EventLink, ImportBatch, Source
from hmc.settings import get_settings

EARTH_KM = 6371.0
LINKERS = ("co_chair", "member", "analyst")  # who may undo a link (not observers)


@dataclass(frozen=True)
class _Report:
    id: int
    day: date
    category: str
    governorate: str | None
    place: str
    latitude: float | None
    longitude: float | None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points.

    >>> round(distance_km((33.3152, 44.3661), (36.3350, 43.1189)))  # Baghdad to Mosul
    355
    """
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _near(a: _Report, b: _Report, km: float) -> float | bool | None:
    """The distance between two reports if near (None: near by name), False if not near."""
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        apart = distance_km((a.latitude, a.longitude), (b.latitude, b.longitude))  # type: ignore[arg-type]
        return apart if apart <= km else False
    same = a.governorate is not None and a.governorate == b.governorate
    return None if same and a.place and fold(a.place) == fold(b.place) else False


def _reports(session: Session, *conditions: ColumnElement[bool]) -> list[_Report]:
    columns = (
        Event.id,
        Event.occurred_on,
        Event.category,
        Event.governorate,
        Event.location,
        Event.latitude,
        Event.longitude,
    )
    return [_Report(*row) for row in session.execute(select(*columns).where(*conditions))]


def link_batch(session: Session, *, batch: ImportBatch, categories: Categories) -> int:
    """Link the events ``batch`` added to the events of other sources they report again."""
    settings = get_settings()
    window = timedelta(days=settings.link_days)
    start, end = batch.coverage_start - window, batch.coverage_end + window
    others = (Event.source_id != batch.source_id, Event.duplicate_of.is_(None))
    in_range = Event.occurred_on.between(start, end)
    other_sources = select(Source.id).where(Source.id != batch.source_id)
    if not session.scalar(select(exists().where(Event.source_id.in_(other_sources)))):
        return 0  # (found by the sources' key: much faster than by the days, when none)
    if not session.scalar(select(exists().where(*others, in_range))):
        return 0
    days = session.scalars(
        select(Event.occurred_on).where(Event.batch_id == batch.id).distinct()
    ).all()
    now = datetime.now(UTC).replace(tzinfo=None)
    linked = 0
    for day in sorted(days):
        near = _reports(session, *others, Event.occurred_on.between(day - window, day + window))
        if not near:
            continue
        for report in _reports(session, Event.batch_id == batch.id, Event.occurred_on == day):
            match = _best(report, near, categories, settings.link_km)
            if match is None:
                continue
            original, apart = match
            days_apart = abs((original.day - report.day).days)
            how = "same day" if days_apart == 0 else f"{days_apart} day(s) apart"
            where = "same place name" if apart is None else f"{apart:.1f} km apart"
            session.add(
                EventLink(
                    event_id=report.id,
                    original_id=original.id,
                    days=days_apart,
                    distance_km=apart,
                    reason=f"{how}, {where}, {report.category} / {original.category}",
                    linked_at=now,
                )
            )
            session.get_one(Event, report.id).duplicate_of = original.id
            linked += 1
    session.flush()
    return linked


def _best(
    report: _Report, near: list[_Report], categories: Categories, km: float
) -> tuple[_Report, float | None] | None:
    """The closest report of ``near`` that ``report`` reports again, and how far it is."""
    found: list[tuple[int, float, _Report, float | None]] = []
    for other in near:
        if not categories.may_match(report.category, other.category):
            continue
        apart = _near(report, other, km)
        if apart is False:
            continue
        distance = apart if isinstance(apart, float) else 0.0
        found.append((abs((other.day - report.day).days), distance, other, apart or None))
    if not found:
        return None
    _, _, other, apart = min(found, key=lambda f: (f[0], f[1], f[2].id))
    return other, apart


def undo_link(session: Session, *, actor: Actor, link_id: int) -> EventLink:
    """Undo a link (a member of a party, not an observer): both reports count again."""
    if actor.kind != "member" or actor.role not in LINKERS:
        raise Forbidden("only a co-chair, member or analyst of a party may undo a link")
    link = session.get(EventLink, link_id)
    if link is None:
        raise NotFound(f"no link {link_id}", link=link_id)
    if link.undone_at is not None:
        raise Conflict(f"link {link_id} was already undone", link=link_id)
    link.undone_at = datetime.now(UTC).replace(tzinfo=None)
    link.undone_by = str(actor)
    event = session.get_one(Event, link.event_id)
    if event.duplicate_of == link.original_id:
        event.duplicate_of = None
    audit.record(
        session,
        actor=actor,
        action="undo",
        object_type="event_link",
        object_id=link.id,
        before={"event": link.event_id, "duplicate_of": link.original_id},
        after={"event": link.event_id, "duplicate_of": None},
    )
    session.flush()
    return link
