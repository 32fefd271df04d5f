"""Reading evidence back: formats, imports, sources with their grades, events with filters.

An event is shown with its source and grade, the reports linked to it and the parties'
accounts. Lists are filtered by date, governorates, category, source, reliability,
credibility and party account, and read a page at a time (or streamed, for exports).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from hmc.errors import NotFound
from hmc.evidence.grading import CREDIBILITY, RELIABILITY, grade
from hmc.evidence.importers import FORMATS
from hmc.evidence.models import Event, EventAccount, EventLink, ImportBatch, Observation, Source
from hmc.evidence.schemas import (
    AccountRead,
    BatchInfo,
    EventDetail,
    EventRead,
    FormatInfo,
    LinkRead,
    SourceRead,
)

EXPORTED = (
    "id", "source", "external_key", "occurred_on", "date_precision", "category",
    "event_type", "actor1", "actor2", "target", "country", "governorate", "location",
    "latitude", "longitude", "deaths", "deaths_low", "deaths_high", "description", "url",
    "duplicate_of", "grade",
)  # fmt: skip


@dataclass(frozen=True)
class EventFilter:
    """Which events to list; None: any."""

    start: date | None = None
    end: date | None = None
    governorates: tuple[str, ...] | None = None
    category: str | None = None
    source: str | None = None
    reliability: str | None = None  # letters, e.g. "AB"
    credibility: int | None = None  # at most this (1 is the best)
    account: str | None = None  # a party key: events that party has given its account of


def list_formats() -> list[FormatInfo]:
    """The formats ``import_file`` reads, for help texts."""
    return [
        FormatInfo(name=fmt.name, description=fmt.description, source_name=fmt.source.name)
        for fmt in FORMATS.values()
    ]


def list_batches(session: Session) -> list[BatchInfo]:
    """Every imported file, oldest first, with what it added."""
    events = dict(
        session.execute(select(Event.batch_id, func.count()).group_by(Event.batch_id)).all()
    )
    counts = select(Observation.batch_id, func.count()).group_by(Observation.batch_id)
    observations = dict(session.execute(counts).all())
    batches = session.execute(
        select(ImportBatch, Source.key, Source.name)
        .join(Source, Source.id == ImportBatch.source_id)
        .order_by(ImportBatch.id)
    )
    return [
        BatchInfo(
            id=batch.id,
            format=batch.format,
            file_name=batch.file_name,
            sha256=batch.sha256,
            source_key=key,
            source_name=name,
            rows=batch.rows,
            events=events.get(batch.id, 0),
            observations=observations.get(batch.id, 0),
            coverage_start=batch.coverage_start,
            coverage_end=batch.coverage_end,
            imported_at=batch.imported_at,
        )
        for batch, key, name in batches
    ]


def list_sources(session: Session) -> list[SourceRead]:
    """Every source, with its reliability grade and how many events it gave."""
    counts = dict(
        session.execute(select(Event.source_id, func.count()).group_by(Event.source_id)).all()
    )
    return [
        SourceRead(
            key=s.key,
            name=s.name,
            family=s.family or s.key,
            reliability=s.reliability or "F",
            reliability_means=RELIABILITY[s.reliability or "F"],
            url=s.url,
            licence=s.licence,
            events=counts.get(s.id, 0),
        )
        for s in session.scalars(select(Source).order_by(Source.key))
    ]


def _families(roots: Any = None) -> Any:
    """Per group of linked reports (by its first report's id): the source families in it
    (of the groups ``roots`` only, when given: a page's, read through the indexes)."""
    root = func.coalesce(Event.duplicate_of, Event.id)
    query = select(root.label("root"), func.count(func.distinct(Source.family)).label("families"))
    if roots is not None:
        query = query.where(or_(Event.id.in_(roots), Event.duplicate_of.in_(roots)))
    return query.join(Source, Source.id == Event.source_id).group_by(root).subquery()


def _query(where: EventFilter, *, graded: bool = True) -> Select[Any]:
    """The events matching ``where`` with their source, and their grade if ``graded`` (or the
    filter asks for a grade): grading every group of reports is what costs, at a million."""
    graded = graded or bool(where.credibility)
    families = _families()
    root = func.coalesce(Event.duplicate_of, Event.id)
    level = case((families.c.families >= 3, 1), (families.c.families == 2, 2), else_=3)
    columns: list[Any] = [Event, Source.key, Source.reliability, Source.family]
    query = select(*columns).join(Source, Source.id == Event.source_id)
    if graded:
        query = query.add_columns(level.label("credibility"))
        query = query.join(families, families.c.root == root)
    conditions = []
    if where.start:
        conditions.append(Event.occurred_on >= where.start)
    if where.end:
        conditions.append(Event.occurred_on <= where.end)
    if where.governorates is not None:
        conditions.append(Event.governorate.in_(where.governorates))
    if where.category:
        conditions.append(Event.category == where.category)
    if where.source:
        conditions.append(Source.key == where.source)
    if where.reliability:
        conditions.append(Source.reliability.in_(list(where.reliability.upper())))
    if where.credibility:
        conditions.append(level <= where.credibility)
    if where.account:
        accounts = select(EventAccount.event_id).where(EventAccount.party == where.account)
        conditions.append(or_(Event.id.in_(accounts), Event.duplicate_of.in_(accounts)))
    return query.where(and_(*conditions)) if conditions else query


def _read(event: Event, key: str, reliability: str | None, family: str, level: int) -> EventRead:
    return EventRead(
        id=event.id,
        source=key,
        external_key=event.external_key,
        occurred_on=event.occurred_on,
        date_precision=event.date_precision,
        category=event.category,
        event_type=event.event_type,
        actor1=event.actor1,
        actor2=event.actor2,
        target=event.target,
        country=event.country,
        governorate=event.governorate,
        location=event.location,
        latitude=event.latitude,
        longitude=event.longitude,
        deaths=event.deaths,
        deaths_low=event.deaths_low,
        deaths_high=event.deaths_high,
        description=event.description,
        url=event.url,
        duplicate_of=event.duplicate_of,
        grade=f"{reliability or 'F'}{level}",
        credibility_means=CREDIBILITY[level],
    )


def find_events(
    session: Session,
    *,
    where: EventFilter,
    limit: int = 100,
    offset: int = 0,
    before: tuple[date, int] | None = None,
) -> tuple[int, list[EventRead]]:
    """How many events match ``where``, and a page of them, newest first: from the
    ``offset``-th, or (keyset, as fast on the last page as on the first) those older than
    the event ``before`` (its date and id)."""
    counted = _query(where, graded=False).with_only_columns(Event.id)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    query = _query(where, graded=False)
    if before is not None:
        day, ident = before
        older = or_(Event.occurred_on < day, and_(Event.occurred_on == day, Event.id < ident))
        query = query.where(older)
    rows = session.execute(
        query.order_by(Event.occurred_on.desc(), Event.id.desc()).limit(limit).offset(offset)
    ).all()
    roots = {event.duplicate_of or event.id for event, *_ in rows}
    found = _families(list(roots))
    families: dict[int, int] = {
        root: count for root, count in session.execute(select(found.c.root, found.c.families))
    }
    return total, [
        _read(event, key, reliability, family, _level(families[event.duplicate_of or event.id]))
        for event, key, reliability, family, *_ in rows
    ]


def _level(families: int) -> int:
    """A group's credibility: 1 when three source families report it, 2 for two, else 3."""
    return 1 if families >= 3 else 2 if families == 2 else 3


def stream_events(session: Session, *, where: EventFilter) -> Iterator[EventRead]:
    """Every event matching ``where``, oldest first, read a few thousand at a time."""
    query = _query(where).order_by(Event.occurred_on, Event.id)
    for row in session.execute(query.execution_options(yield_per=5_000)):
        yield _read(*row)
        session.expunge(row[0])


def event_detail(session: Session, *, event_id: int) -> EventDetail:
    """One event with its grade and why, the reports linked to it and the parties' accounts."""
    found = session.execute(_query(EventFilter()).where(Event.id == event_id)).first()
    if found is None:
        raise NotFound(f"no event {event_id}", event=event_id)
    event = found[0]
    root = event.duplicate_of or event.id
    group = session.execute(
        select(Source.family)
        .join(Event, Event.source_id == Source.id)
        .where(or_(Event.id == root, Event.duplicate_of == root))
    ).scalars()
    other = aliased(Event)
    links = session.execute(
        select(EventLink, Source.key, other.external_key)
        .join(other, other.id == case((EventLink.event_id == event.id, EventLink.original_id),
                                      else_=EventLink.event_id))
        .join(Source, Source.id == other.source_id)
        .where(or_(EventLink.event_id == event.id, EventLink.original_id == event.id))
        .order_by(EventLink.id)
    )  # fmt: skip
    accounts = session.scalars(
        select(EventAccount)
        .where(EventAccount.event_id == event.id)
        .order_by(EventAccount.commission_id, EventAccount.party)
    )
    graded = grade(found[2], list(group), found[3] or found[1])
    return EventDetail(
        event=_read(*found),
        reliability_means=RELIABILITY[graded.reliability],
        credibility_why=graded.why,
        links=[
            LinkRead(
                id=link.id,
                event_id=link.event_id,
                original_id=link.original_id,
                other_source=key,
                other_external_key=external,
                reason=link.reason,
                linked_at=link.linked_at,
                undone_at=link.undone_at,
                undone_by=link.undone_by,
            )
            for link, key, external in links
        ],
        accounts=[AccountRead.of(a) for a in accounts],
    )
