"""What an accepted news item becomes, and an outlet's grade.

- an **event**: an event of the outlet's source (its reliability is the outlet's; each
  outlet is its own family), with its report's address and sentence as provenance, linked
  by the linking rule to other sources' reports of it (or, when merged, to the event a
  person chose), so that it is counted once and raises that event's credibility;
- a **claim**: a published count over its period (running total when said "since");
- a **statement** or **position**: the party's recorded position, with its quotation.

Each event or count is an import batch of its own (format ``news-item``), so that the
indicators reading it are seen to be stale and are computed again.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.errors import InvalidInput, NotFound
from hmc.evidence.grading import RELIABILITY
from hmc.evidence.linking import link_batch
from hmc.evidence.models import Event, EventLink, ImportBatch, Observation, Source
from hmc.evidence.service import configured_categories
from hmc.framework.models import Party
from hmc.news.importing import outlet_key
from hmc.news.models import NewsItem, NewsReport, PartyPosition
from hmc.news.topics import topic_of
from hmc.permissions import Permission, require

ITEM_FORMAT = "news-item"
# The series a claim's count feeds, by its category (what the commissions' indicators read).
SERIES = {
    "attack_on_coalition": "attacks_on_us_forces",
    "isis_attack": "isis_incidents",
    "militia_attack": "security_incidents",
    "coalition_strike": "security_incidents",
    "other": "security_incidents",
}
_SINCE = re.compile(r"\bsince\b|منذ", re.IGNORECASE)


def become(
    session: Session, *, actor: Actor, commission_id: str, item: NewsItem, report: NewsReport,
    merge_with: int | None, topic: str | None,
) -> dict[str, object]:  # fmt: skip
    """Write what ``item`` becomes; what it is, for the audit record."""
    if item.type == "event":
        return _event(session, actor, item, report, merge_with)
    if merge_with is not None:
        raise InvalidInput("only an event is merged with an event", field="event_id")
    if item.type == "claim":
        return _count(session, actor, item, report)
    return _position(session, actor, commission_id, item, report, topic)


def _batch(session: Session, actor: Actor, item: NewsItem, report: NewsReport, day: date,
           end: date) -> ImportBatch:  # fmt: skip
    """The import batch of what one accepted item became, of its report's source."""
    source_id = session.get_one(ImportBatch, report.batch_id).source_id
    batch = ImportBatch(
        source_id=source_id, format=ITEM_FORMAT, file_name=report.file_name[:500],
        sha256=hashlib.sha256(f"news-item:{item.id}".encode()).hexdigest(), rows=1,
        coverage_start=day, coverage_end=end,
        imported_at=datetime.now(UTC).replace(tzinfo=None), imported_by=str(actor),
    )  # fmt: skip
    session.add(batch)
    session.flush()
    return batch


def _event(session: Session, actor: Actor, item: NewsItem, report: NewsReport,
           merge_with: int | None) -> dict[str, object]:  # fmt: skip
    day = item.day or item.date_from
    if day is None:
        raise InvalidInput(f"news item {item.id}: an event needs a day: edit it", field="date")
    original = None
    if merge_with is not None:
        original = session.get(Event, merge_with)
        if original is None:
            raise NotFound(f"no event {merge_with}", event=merge_with)
    batch = _batch(session, actor, item, report, day, item.date_to or day)
    event = Event(
        batch_id=batch.id, source_id=batch.source_id, external_key=f"news-item-{item.id}",
        occurred_on=day, category=item.category, event_type=item.type,
        target=item.target[:64], governorate=item.governorate, location=item.place,
        deaths=item.killed, description=report.text[item.span_start : item.span_end],
        date_precision="day" if item.day else "days", actor1=item.actor[:300],
        country="Iraq" if item.governorate else "", url=report.url,
    )  # fmt: skip
    session.add(event)
    session.flush()
    item.event_id = event.id
    if original is not None:
        _merge(session, actor, event, original)
        return {"event": event.id, "merged_with": original.id}
    linked = link_batch(session, batch=batch, categories=configured_categories(session))
    return {"event": event.id, "linked": linked}


def _merge(session: Session, actor: Actor, event: Event, original: Event) -> None:
    """Link ``event`` to ``original`` as one event reported twice, as a person decided."""
    root = original.duplicate_of or original.id
    days = abs((original.occurred_on - event.occurred_on).days)
    session.add(
        EventLink(
            event_id=event.id, original_id=root, days=days, distance_km=None,
            reason=f"merged by a reviewer ({actor})",
            linked_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )  # fmt: skip
    event.duplicate_of = root
    session.flush()


def _count(session: Session, actor: Actor, item: NewsItem, report: NewsReport
           ) -> dict[str, object]:  # fmt: skip
    start = item.date_from or item.day
    end = item.date_to or item.day or report.published
    if item.count is None or start is None:
        raise InvalidInput(
            f"news item {item.id}: a count needs a number and its period: edit it", field="count"
        )
    batch = _batch(session, actor, item, report, start, end)
    said = report.text[item.span_start : item.span_end]
    qualifier = f" ({item.count_qualifier})" if item.count_qualifier else ""
    observation = Observation(
        batch_id=batch.id, source_id=batch.source_id,
        series=SERIES.get(item.category, "security_incidents"), governorate=item.governorate,
        period_start=start, period_end=end,
        basis="cumulative" if _SINCE.search(item.date_text or said) else "period",
        value=float(item.count), note=f"{said}{qualifier}"[:2000],
    )  # fmt: skip
    session.add(observation)
    session.flush()
    item.observation_id = observation.id
    return {"observation": observation.id, "series": observation.series}


def _position(session: Session, actor: Actor, commission_id: str, item: NewsItem,
              report: NewsReport, topic: str | None) -> dict[str, object]:  # fmt: skip
    parties = session.scalars(select(Party.key).where(Party.commission_id == commission_id))
    known = list(parties)
    if item.party not in known:
        raise InvalidInput(
            f"news item {item.id}: whose position is it? edit its party ({', '.join(known)})",
            field="party",
        )
    said = report.text[item.span_start : item.span_end]
    position = PartyPosition(
        commission_id=commission_id, party=item.party, said_on=item.day or report.published,
        topic=topic or topic_of(said), actor=item.actor, quotation=said, item_id=item.id,
        report_id=report.id, recorded_by=str(actor),
        recorded_at=datetime.now(UTC).replace(tzinfo=None),
    )  # fmt: skip
    session.add(position)
    session.flush()
    return {"position": position.id, "topic": position.topic, "party": position.party}


def recompute(session: Session, *, actor: Actor) -> None:
    """Compute again, in every loaded commission, the indicators new evidence made stale."""
    from hmc.framework.service import commission_ids
    from hmc.indicators.computing import compute

    for commission_id in commission_ids(session):
        compute(session, actor=actor, commission_id=commission_id)


def grade_outlet(
    session: Session, *, actor: Actor, commission_id: str, outlet: str, reliability: str
) -> Source:
    """Set an outlet's reliability (A-F), as the commission judges it (a co-chair)."""
    require(actor, Permission.GRADE_OUTLET, commission_id)
    letter = reliability.strip().upper()
    if letter not in RELIABILITY:
        raise InvalidInput(f'reliability: "{reliability}" is not one of A-F', field="reliability")
    key = outlet_key(outlet)
    source = session.scalars(select(Source).where(Source.key == key)).first()
    if source is None:
        raise NotFound(f'no reports of the outlet "{outlet}" were imported', outlet=outlet)
    before = source.reliability
    source.reliability = letter
    session.flush()
    audit.record(
        session, actor=actor, action="grade", object_type="source", object_id=source.id,
        commission_id=commission_id, before={"key": key, "reliability": before},
        after={"key": key, "reliability": letter},
    )  # fmt: skip
    return source
