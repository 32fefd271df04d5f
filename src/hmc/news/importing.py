"""Importing news reports: each kept verbatim with its digest, once, and its items proposed.

A report is one ImportBatch (format ``news``, keyed by the SHA-256 of its bytes) of the
outlet's source, audited as any import; importing it again adds nothing. Its items wait in
the review queue: nothing counts until a person accepts it (:mod:`hmc.news.review`).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from hmc.actor import Actor
from hmc.audit import service as audit
from hmc.evidence.models import ImportBatch, Source
from hmc.evidence.service import lock_imports
from hmc.news.extractor import extract
from hmc.news.items import Item, Report
from hmc.news.models import NewsItem, NewsReport
from hmc.news.reading import read_report, read_reports
from hmc.news.schemas import NewsImport

FORMAT = "news"
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")  # what ``hmc import`` detects as news


def is_news(path: Path) -> bool:
    """Whether ``path`` is read as news when no format is given (a report's suffix)."""
    return path.suffix.lower() in SUFFIXES


def import_news(
    session: Session,
    *,
    path: Path,
    actor: Actor,
    published: date | None = None,
    language: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    today: date | None = None,
) -> list[NewsImport]:
    """Import the report in ``path`` (or each report of a folder or zip with a manifest)."""
    if path.is_dir() or path.suffix.lower() == ".zip":
        reports = read_reports(path, today=today)
    else:
        reports = [
            read_report(path, published=published, language=language, outlet=outlet, url=url,
                        today=today)
        ]  # fmt: skip
    return [_import_report(session, report, actor) for report in reports]


def _import_report(session: Session, report: Report, actor: Actor) -> NewsImport:
    kept = _kept(session, report.sha256)
    if kept is None:
        lock_imports(session, Path(report.file).name)
        kept = _kept(session, report.sha256)  # imported by the import waited for
    if kept is not None:
        return _result(kept, items=0, again=True)
    items = extract(report)
    batch = ImportBatch(
        format=FORMAT,
        file_name=Path(report.file).name,
        sha256=report.sha256,
        rows=len(items),
        coverage_start=report.published,
        coverage_end=report.published,
        imported_at=datetime.now(UTC).replace(tzinfo=None),
        imported_by=str(actor),
        source=outlet_source(session, outlet=report.outlet),
    )
    session.add(batch)
    session.flush()
    kept = NewsReport(
        batch_id=batch.id, sha256=report.sha256, file_name=batch.file_name,
        outlet=report.outlet or "", url=report.url or "", published=report.published,
        language=report.language, format=report.format, source=report.source, text=report.text,
    )  # fmt: skip
    session.add(kept)
    session.flush()
    session.add_all(_proposed(kept.id, item) for item in items)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="import",
        object_type="import_batch",
        object_id=batch.id,
        after={
            "format": FORMAT, "file": batch.file_name, "sha256": report.sha256,
            "outlet": kept.outlet, "published": report.published.isoformat(),
            "language": report.language, "items": len(items), "report": kept.id,
        },
    )  # fmt: skip
    return _result(kept, items=len(items), again=False)


def _kept(session: Session, sha256: str) -> NewsReport | None:
    return session.scalars(select(NewsReport).where(NewsReport.sha256 == sha256)).first()


def _result(report: NewsReport, *, items: int, again: bool) -> NewsImport:
    return NewsImport(
        file=report.file_name, report_id=report.id, batch_id=report.batch_id,
        sha256=report.sha256, published=report.published, language=report.language,
        items=items, again=again,
    )  # fmt: skip


def _proposed(report_id: int, item: Item) -> NewsItem:
    when = item.when
    return NewsItem(
        report_id=report_id, type=item.type, category=item.category,
        day=when.day if when else None, date_from=when.start if when else None,
        date_to=when.end if when else None, date_text=(when.text if when else "")[:200],
        place=(item.place or "")[:200], governorate=item.governorate,
        actor=(item.actor or "")[:200], target=(item.target or "")[:200], party=item.party,
        killed=item.killed, wounded=item.wounded, count=item.count,
        count_qualifier=item.count_qualifier, span_start=item.span[0], span_end=item.span[1],
        extractor=item.extractor.get("name", ""),
        extractor_version=item.extractor.get("version", ""),
        state="proposed", decided_by="",
    )  # fmt: skip


def outlet_key(outlet: str | None) -> str:
    """The source key of an outlet's reports: ``news-`` and its name's letters, or a digest
    of a name written in other letters; ``news`` for reports of no named outlet.

    >>> outlet_key("Iraq Wire Service"), outlet_key(None)
    ('news-iraq-wire-service', 'news')
    >>> outlet_key("وكالة الأنباء")[:5]
    'news-'
    """
    if not outlet or not outlet.strip():
        return FORMAT
    slug = re.sub(r"[^a-z0-9]+", "-", outlet.strip().lower()).strip("-")[:40]
    if not slug:
        slug = hashlib.sha256(outlet.strip().encode()).hexdigest()[:12]
    return f"{FORMAT}-{slug}"


def outlet_source(session: Session, *, outlet: str | None) -> Source:
    """The source of an outlet's reports, made on its first report: its reliability unset
    ("cannot be judged", F) until the commission grades it; each outlet its own family, so
    that two outlets reporting one event corroborate each other."""
    key = outlet_key(outlet)
    source = session.scalars(select(Source).where(Source.key == key)).first()
    if source is None:
        name = f"News: {outlet.strip()}" if outlet and outlet.strip() else "News (no outlet named)"
        source = Source(key=key, name=name[:300], url="", licence="", reliability=None, family=key)
        session.add(source)
        session.flush()
    return source
