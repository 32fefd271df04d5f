"""News into the database: a report imported once, its items reviewed by a member, and what
an accepted item becomes (an event graded and linked, a count, a party's position)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner, Result

from hmc.audit.models import AuditRecord
from hmc.cli import app
from hmc.evidence.models import Event, ImportBatch, Observation
from hmc.news.models import NewsItem, NewsReport, PartyPosition
from hmc.storage import session_scope

runner = CliRunner()
PASSWORD = "exercise-only-password"  # hmc demo's members
REPORT = """Rocket attack on base

BAGHDAD, January 24, 2024 - Gunmen attacked a police checkpoint in Kirkuk on Tuesday, \
killing two policemen, police said. Islamic State claimed responsibility.

Prime Minister Mohammed Shia al-Sudani said on Wednesday that Iraq wants a timeline for the \
withdrawal of the coalition's forces.

Iran-aligned militias have carried out about 150 attacks on U.S. forces in Iraq and Syria \
since October 17, the Pentagon said.
"""


def hmc(*args: str, user: str | None = None) -> Result:
    extra = ["--user", user] if user else []
    return runner.invoke(app, [*args, *extra], input=f"{PASSWORD}\n")


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def _report(tmp_path: Path, text: str = REPORT) -> Path:
    path = tmp_path / "wire.txt"
    path.write_text(text, encoding="utf-8")
    return path


OUTLET = "Iraq Wire"  # the tests' reports' (the demo's exercise reports are another's)


def _items(engine: Engine) -> dict[str, NewsItem]:
    """The items of the tests' report, by type."""
    with session_scope(engine) as session:
        items = session.scalars(
            select(NewsItem).join(NewsReport, NewsReport.id == NewsItem.report_id)
            .where(NewsReport.outlet == OUTLET).order_by(NewsItem.id)
        ).all()  # fmt: skip
        session.expunge_all()
    return {i.type: i for i in items}


def test_a_report_is_kept_once_and_nothing_counts_before_review(
    demo_copy: Engine, tmp_path: Path
) -> None:
    path = _report(tmp_path)
    with session_scope(demo_copy) as session:
        events_before = session.query(Event).count()
    said = ok(hmc("import", str(path), "--outlet", "Iraq Wire", "--published", "2024-01-24"))
    assert re.search(r"wire\.txt: report \d+ \(en, 2024-01-24\), \d+ items proposed", said), said
    again = ok(hmc("import", str(path), "--outlet", "Iraq Wire", "--published", "2024-01-24"))
    assert "imported already" in again
    with session_scope(demo_copy) as session:
        report = session.scalars(select(NewsReport).where(NewsReport.outlet == OUTLET)).one()
        assert report.source == REPORT and report.outlet == "Iraq Wire" and len(report.sha256) == 64
        assert session.query(Event).count() == events_before
        assert session.scalars(select(AuditRecord.object_type).where(
            AuditRecord.action == "import", AuditRecord.object_type == "import_batch"
        )).all()  # fmt: skip
    assert {"event", "claim", "position"} <= set(_items(demo_copy))


def test_no_publication_day_and_no_dateline_is_a_clear_error(
    demo_copy: Engine, tmp_path: Path
) -> None:
    path = _report(tmp_path, "Gunmen attacked a checkpoint in Kirkuk on Tuesday, police said.\n")
    result = hmc("import", str(path), "--format", "news")
    assert result.exit_code == 1
    assert "no publication date" in result.stderr


def test_an_analyst_accepts_an_event_a_claim_and_a_position(
    demo_copy: Engine, tmp_path: Path
) -> None:
    ok(hmc("import", str(_report(tmp_path)), "--outlet", "Iraq Wire", "--published", "2024-01-24"))
    items = _items(demo_copy)
    listed = ok(hmc("review", "list", user="iq-analyst"))
    assert str(items["event"].id) in listed and "proposed" in listed
    shown = json.loads(
        ok(hmc("review", "show", str(items["event"].id), "--json", user="iq-observer"))
    )
    assert "Kirkuk" in shown["item"]["sentence"] and shown["report"]["outlet"] == "Iraq Wire"
    refused = hmc("review", "accept", str(items["event"].id), user="iq-observer")
    assert refused.exit_code == 1 and "only co-chairs, members and analysts" in refused.stderr
    said = ok(hmc("review", "accept", str(items["event"].id), user="iq-analyst"))
    assert re.search(r"accepted by member:\d+: event \d+", said), said
    ok(hmc("review", "accept", str(items["claim"].id), user="us-analyst"))
    ok(hmc("review", "accept", str(items["position"].id), user="iq-member"))
    twice = hmc("review", "reject", str(items["event"].id), user="iq-member")
    assert twice.exit_code == 1 and "accepted already" in twice.stderr
    with session_scope(demo_copy) as session:
        event = session.get_one(Event, _items(demo_copy)["event"].event_id)
        assert (event.occurred_on.isoformat(), event.governorate) == ("2024-01-23", "kirkuk")
        batch = session.get_one(ImportBatch, event.batch_id)
        assert batch.source.key == "news-iraq-wire" and batch.source.reliability is None
        count = session.get_one(Observation, _items(demo_copy)["claim"].observation_id)
        assert (count.series, count.value, count.basis) == (
            "attacks_on_us_forces",
            150,
            "cumulative",
        )
        position = session.scalars(
            select(PartyPosition).where(PartyPosition.item_id == items["position"].id)
        ).one()
        assert (position.party, position.topic) == ("iq", "timeline")
        assert "timeline" in position.quotation
        decisions = session.scalars(
            select(AuditRecord.action).where(
                AuditRecord.object_type == "news_item",
                AuditRecord.object_id.in_([str(i.id) for i in items.values()]),
            )
        ).all()
        assert sorted(decisions) == ["accept", "accept", "accept"]
    positions = ok(hmc("review", "positions", user="us-observer"))
    assert "timeline" in positions and "iq" in positions


def test_an_outlet_graded_grades_its_events(demo_copy: Engine, tmp_path: Path) -> None:
    ok(hmc("import", str(_report(tmp_path)), "--outlet", "Iraq Wire", "--published", "2024-01-24"))
    refused = hmc("review", "outlet", "Iraq Wire", "--reliability", "B", user="iq-analyst")
    assert refused.exit_code == 1 and "co-chair" in refused.stderr
    ok(hmc("review", "outlet", "Iraq Wire", "--reliability", "B", user="iq-co-chair"))
    event_item = _items(demo_copy)["event"]
    ok(hmc("review", "edit", str(event_item.id), "--killed", "3", user="iq-analyst"))
    event_id = _items(demo_copy)["event"].event_id
    shown = ok(hmc("event", str(event_id)))
    assert "B3" in shown, shown
    assert _items(demo_copy)["event"].state == "edited"


def test_the_api_lists_decides_and_refuses_in_its_one_error_shape(
    demo_copy: Engine, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from conftest import csrf_of, sign_in
    from hmc.app import create_app

    ok(hmc("import", str(_report(tmp_path)), "--outlet", "Iraq Wire", "--published", "2024-01-24"))
    base = "/api/commissions/hmc-iraq-2024"
    with TestClient(create_app()) as observer, TestClient(create_app()) as analyst:
        sign_in(observer, "us-observer")
        csrf = sign_in(analyst, "us-analyst")
        listed = observer.get(f"{base}/review").json()
        event = next(i for i in listed if i["type"] == "event" and i["outlet"] == OUTLET)
        recorded = observer.get(f"{base}/positions").json()  # the demo's exercise positions
        assert event["state"] == "proposed" and "Kirkuk" in event["sentence"]
        detail = observer.get(f"{base}/review/{event['id']}").json()
        assert detail["report"]["text"].startswith("Rocket attack on base")
        refused = observer.post(
            f"{base}/review/{event['id']}", json={"decision": "reject"},
            headers={"X-CSRF-Token": csrf_of(observer)},
        )  # fmt: skip
        assert refused.status_code == 403
        assert set(refused.json()) >= {"error"}, refused.json()
        done = analyst.post(
            f"{base}/review/{event['id']}", json={"decision": "reject"},
            headers={"X-CSRF-Token": csrf},
        )  # fmt: skip
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "rejected" and done.json()["decided_by"].startswith(
            "member:"
        )
        assert all(i["id"] != event["id"] for i in observer.get(f"{base}/review").json())
        assert observer.get(f"{base}/positions").json() == recorded  # a rejection records none
