"""The next meeting's agenda lists the positions recorded from news and the reports with
items awaiting review, of the time since the previous meeting (and not those before it)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from sqlalchemy import Engine, select

from hmc.accounts import get_member
from hmc.actor import Actor
from hmc.meetings import service
from hmc.meetings.views import meeting_view
from hmc.news.importing import import_news
from hmc.news.models import NewsItem
from hmc.news.review import decide
from hmc.news.schemas import DecisionWrite
from hmc.storage import Session, session_scope

IRAQ = "hmc-iraq-2024"
REPORT = """BAGHDAD, February 14, 2024 - Gunmen attacked a police checkpoint in Kirkuk on \
Tuesday, killing two policemen, police said.

Prime Minister Mohammed Shia al-Sudani said on Wednesday that Iraq wants a timeline for the \
withdrawal of the coalition's forces.
"""


def who(session: Session, username: str) -> Actor:
    return get_member(session, username=username).actor


def february(engine: Engine, tmp_path: Path) -> tuple[int, dict[str, int], int]:
    """A report of February imported, its position accepted by an Iraqi analyst (its event
    left awaiting review), then a meeting on 2 March: the report, its items, the meeting."""
    path = tmp_path / "february.txt"
    path.write_text(REPORT, encoding="utf-8")
    with session_scope(engine) as session:
        report = import_news(session, path=path, actor=who(session, "iq-analyst"),
                             outlet="Agenda Wire")[0].report_id  # fmt: skip
        items = {i.type: i.id for i in session.scalars(
            select(NewsItem).where(NewsItem.report_id == report)
        )}  # fmt: skip
        decide(session, actor=who(session, "iq-analyst"), commission_id=IRAQ,
               item_id=items["position"], decision=DecisionWrite(decision="accept"))  # fmt: skip
        made = service.schedule(
            session, actor=who(session, "iq-co-chair"), commission_id=IRAQ,
            title="Second meeting", day=date(2024, 3, 2), start=time(10, 0), place="Baghdad",
            format="in_person",
        )  # fmt: skip
    return report, items, made.id


def test_the_next_agenda_lists_new_positions_and_news_under_review(
    demo_copy: Engine, tmp_path: Path
) -> None:
    report, items, meeting_id = february(demo_copy, tmp_path)
    with session_scope(demo_copy) as session:
        view = meeting_view(session, viewer=who(session, "us-observer"), meeting_id=meeting_id)
    found = {i.kind: i for i in view.agenda if i.kind in ("position", "review")}
    position, review = found["position"], found["review"]
    assert "wants a timeline" in position.subject
    assert (position.detail["party"], position.detail["topic"]) == ("iq", "timeline")
    assert position.url == f"/commissions/{IRAQ}/review/{report}#item-{items['position']}"
    assert "Gunmen attacked a police checkpoint" in review.subject  # the event awaits review
    assert (review.detail["items"], review.detail["outlet"]) == (1, "Agenda Wire")
    # The exercise's positions and its statement left under review came before 27 January.
    assert [i.kind for i in view.agenda].count("position") == 1
    assert [i.kind for i in view.agenda].count("review") == 1


def test_the_meeting_page_shows_them_in_both_languages(demo_copy: Engine, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from conftest import sign_in
    from hmc.app import create_app
    from hmc.storage import get_engine

    _, _, meeting_id = february(demo_copy, tmp_path)
    get_engine.cache_clear()
    with TestClient(create_app()) as client:
        sign_in(client, "us-observer")
        english = client.get(f"/meetings/{meeting_id}").text
        arabic = client.get(f"/meetings/{meeting_id}?lang=ar").text
    assert "News awaiting review" in english and "Agenda Wire" in english
    assert "New position" in english and "Timeline" in english
    assert "أخبار بانتظار المراجعة" in arabic
