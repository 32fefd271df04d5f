"""Working meetings through their services and their API, on a copy of the demo database.

The demo's exercise meeting (27 January 2024) follows its signed exercise round, whose
intelligence rating the parties put two levels apart: its agenda starts from that.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import Engine, select

from conftest import sign_in
from hmc.accounts import get_member
from hmc.actor import Actor
from hmc.app import create_app
from hmc.audit.service import verify
from hmc.errors import Conflict, Forbidden, InvalidInput
from hmc.framework.models import FrameworkVersion
from hmc.framework.service import framework
from hmc.meetings import decisions, service
from hmc.meetings.calendar import ics
from hmc.meetings.views import calendar_rows, meeting_view
from hmc.storage import Session, session_scope

IRAQ = "hmc-iraq-2024"
EXERCISE = 1  # the demo's exercise meeting
API = f"/api/commissions/{IRAQ}/meetings"


def who(session: Session, username: str) -> Actor:
    return get_member(session, username=username).actor


def second_meeting(session: Session, day: date = date(2024, 3, 2)) -> int:
    made = service.schedule(
        session,
        actor=who(session, "iq-co-chair"),
        commission_id=IRAQ,
        title="الاجتماع الثاني",
        day=day,
        start=time(10, 30),
        place="بغداد",
        format="hybrid",
        timezone="Asia/Baghdad",
    )
    return made.id


def test_the_first_agenda_starts_from_the_flagged_divergence(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        view = meeting_view(session, viewer=who(session, "us-observer"), meeting_id=EXERCISE)
    first = view.agenda[0]
    assert view.since is None  # the first meeting: what changed since the start
    assert (first.kind, first.subject) == ("divergence", "Intelligence and ISR")
    assert first.detail["levels"] == {"us": 2, "iq": 4}
    assert first.url == "/rounds/1/divergence"
    assert {i.kind for i in view.agenda} >= {"divergence", "gate"}
    assert all(i.url for i in view.agenda)
    assert [d.state for d in view.decisions] == ["stands"]
    assert [(a.owner, a.state) for a in view.actions] == [("iq-analyst", "open")]


def test_the_next_agenda_lists_what_changed_since_and_keeps_what_was_dropped(
    demo_copy: Engine,
) -> None:
    with session_scope(demo_copy) as session:
        meeting_id = second_meeting(session)
        view = meeting_view(session, viewer=who(session, "us-member"), meeting_id=meeting_id)
        assert view.since == date(2024, 1, 27)
        assert (view.meeting.title_lang, view.meeting.timezone) == ("ar", "Asia/Baghdad")
        overdue = [i for i in view.agenda if i.kind == "action"]
        assert [i.url for i in overdue] == ["/meetings/1#action-1"]  # due 24 February, open
        assert not any(i.kind == "divergence" for i in view.agenda)  # that round was reviewed
        chair = who(session, "us-co-chair")
        service.arrange_item(
            session, actor=chair, meeting_id=meeting_id, item_id=overdue[0].id, dropped=True
        )
        assert service.refresh_agenda(session, actor=chair, meeting_id=meeting_id) == 0
        added = service.add_item(
            session, actor=chair, meeting_id=meeting_id, subject="Next steps", url="/rounds/1"
        )
        service.arrange_item(session, actor=chair, meeting_id=meeting_id, item_id=added, position=0)
        view = meeting_view(session, viewer=chair, meeting_id=meeting_id)
    assert view.agenda[0].subject == "Next steps"
    assert (view.agenda[-1].id, view.agenda[-1].dropped) == (overdue[0].id, True)
    assert [i.position for i in view.agenda] == list(range(len(view.agenda)))


def minutes_seen(session: Session, username: str, meeting_id: int, item_id: int) -> set[str]:
    view = meeting_view(session, viewer=who(session, username), meeting_id=meeting_id)
    return set(next(i for i in view.agenda if i.id == item_id).minutes)


def test_draft_minutes_stay_with_their_party_until_its_co_chair_shares_them(
    demo_copy: Engine,
) -> None:
    with session_scope(demo_copy) as session:
        meeting_id = second_meeting(session)
        item = meeting_view(session, viewer=who(session, "iq-analyst"), meeting_id=meeting_id)
        item_id = item.agenda[0].id
        version = service.save_minutes(
            session,
            actor=who(session, "iq-analyst"),
            meeting_id=meeting_id,
            item_id=item_id,
            text="ناقش الطرفان المؤشر",
        )
        with pytest.raises(Conflict, match="these minutes changed after you read version"):
            service.save_minutes(
                session,
                actor=who(session, "iq-member"),
                meeting_id=meeting_id,
                item_id=item_id,
                text="older",
                version=None,
            )
        assert minutes_seen(session, "iq-member", meeting_id, item_id) == {"iq"}
        for outsider in ("us-co-chair", "us-analyst", "iq-observer", "admin"):
            assert minutes_seen(session, outsider, meeting_id, item_id) == set(), outsider
        with pytest.raises(Forbidden):
            service.share_minutes(
                session, actor=who(session, "iq-analyst"), meeting_id=meeting_id, item_id=item_id
            )
        service.share_minutes(
            session, actor=who(session, "iq-co-chair"), meeting_id=meeting_id, item_id=item_id
        )
        assert minutes_seen(session, "us-observer", meeting_id, item_id) == {"iq"}
        with pytest.raises(Conflict, match="shared"):
            service.save_minutes(
                session,
                actor=who(session, "iq-analyst"),
                meeting_id=meeting_id,
                item_id=item_id,
                text="changed",
                version=version,
            )
        shown = meeting_view(session, viewer=who(session, "us-observer"), meeting_id=meeting_id)
    assert shown.agenda[0].minutes["iq"].lang == "ar"


def test_a_decision_stands_with_both_approvals_and_changes_its_gate_in_a_new_version(
    demo_copy: Engine,
) -> None:
    with session_scope(demo_copy) as session:
        meeting_id = second_meeting(session)
        us, iq = who(session, "us-co-chair"), who(session, "iq-co-chair")
        before = framework(session, commission_id=IRAQ).commission.version
        made = decisions.propose(
            session,
            actor=us,
            meeting_id=meeting_id,
            text="The mission ends on 2025-12-31.",
            phase="transition",
            area="federal-iraq",
            binds_on=date(2025, 12, 31),
            change={"no_later_than": "2025-12-31"},
        )
        assert (
            decisions.approve(session, actor=us, meeting_id=meeting_id, decision_id=made, version=1)
            == "proposed"
        )
        with pytest.raises(Conflict, match="already approved"):
            decisions.approve(session, actor=us, meeting_id=meeting_id, decision_id=made, version=1)
        decisions.revise(
            session,
            actor=iq,
            meeting_id=meeting_id,
            decision_id=made,
            version=1,
            text="تنتهي المهمة في 2025-12-31.",
            phase="transition",
            area="federal-iraq",
            binds_on=date(2025, 12, 31),
            change={"no_later_than": "2025-12-31"},
        )
        with pytest.raises(Conflict, match="changed after you read version 1"):
            decisions.approve(session, actor=iq, meeting_id=meeting_id, decision_id=made, version=1)
        for chair in (us, iq):  # the revision withdrew the US approval: both approve again
            state = decisions.approve(
                session, actor=chair, meeting_id=meeting_id, decision_id=made, version=2
            )
        assert state == "stands"
        current = framework(session, commission_id=IRAQ)
        gate = next(g for g in current.phase("transition").gates if g.area.key == "federal-iraq")
        latest = session.scalars(
            select(FrameworkVersion).order_by(FrameworkVersion.number.desc()).limit(1)
        ).one()
        view = meeting_view(session, viewer=who(session, "us-observer"), meeting_id=meeting_id)
        with pytest.raises(Conflict, match="stands"):
            decisions.revise(
                session,
                actor=us,
                meeting_id=meeting_id,
                decision_id=made,
                version=2,
                text="edited after it stood",
            )
        amendment = decisions.propose(
            session,
            actor=iq,
            meeting_id=meeting_id,
            amends=made,
            text="An amendment is a new decision.",
        )
        assert verify(session).intact
    assert current.commission.version == before + 1
    assert gate.no_later_than == date(2025, 12, 31)
    assert latest.changes == [
        {"kind": "gate", "key": "transition/federal-iraq", "change": "changed", "decision": made}
    ]
    assert latest.config_text.count("#") >= 10  # the configuration's comments are kept
    decided = next(d for d in view.decisions if d.id == made)
    assert (decided.lang, decided.framework_version) == ("ar", before + 1)
    assert {a.party for a in decided.approvals} == {"us", "iq"}
    assert amendment > made


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"when": "nonsense >= 3"}, 'no indicator "nonsense"'),
        ({"when": "isis_incidents <="}, "unexpected end"),
        ({"not_before": "2025-02-30"}, "February 2025 has 28 days"),
        ({"colour": "red"}, "not colour"),
    ],
)
def test_a_change_to_a_gate_is_checked_when_proposed(
    demo_copy: Engine, change: dict[str, Any], message: str
) -> None:
    with session_scope(demo_copy) as session, pytest.raises(InvalidInput, match=message):
        decisions.propose(
            session,
            actor=who(session, "us-co-chair"),
            meeting_id=EXERCISE,
            text="x",
            phase="transition",
            area="kurdistan-region",
            change=change,
        )


def test_actions_belong_to_their_owner_and_co_chairs(demo_copy: Engine) -> None:
    with session_scope(demo_copy) as session:
        with pytest.raises(Forbidden):
            service.set_action_state(
                session,
                actor=who(session, "us-analyst"),
                meeting_id=EXERCISE,
                action_id=1,
                state="done",
            )
        service.set_action_state(
            session, actor=who(session, "iq-member"), meeting_id=EXERCISE, action_id=1, state="done"
        )
        with pytest.raises(InvalidInput, match="not a member"):
            service.add_action(
                session,
                actor=who(session, "us-co-chair"),
                meeting_id=EXERCISE,
                text="x",
                owner="nobody",
                due=date(2024, 3, 1),
            )
        meeting_id = second_meeting(session)
        view = meeting_view(session, viewer=who(session, "us-member"), meeting_id=meeting_id)
    assert not any(i.kind == "action" for i in view.agenda)  # done: no longer overdue


def test_the_calendar_holds_each_meeting_at_its_time_and_each_open_action(
    demo_copy: Engine,
) -> None:
    with session_scope(demo_copy) as session:
        second_meeting(session)
        rows = calendar_rows(session, viewer=who(session, "us-observer"), commission_id=IRAQ)
    parsed = Calendar.from_ical(ics(IRAQ, "HMC", *rows, site="https://hmc.example"))
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {f"meeting-1@{IRAQ}.hmc", f"meeting-2@{IRAQ}.hmc", f"action-1@{IRAQ}.hmc"}
    second = events[f"meeting-2@{IRAQ}.hmc"]
    assert str(second["summary"]) == "الاجتماع الثاني"
    start = second.decoded("dtstart")
    assert (start.hour, str(start.tzinfo)) == (10, "Asia/Baghdad")
    assert str(second["url"]) == "https://hmc.example/meetings/2"
    assert events[f"action-1@{IRAQ}.hmc"].decoded("dtstart") == date(2024, 2, 24)
    assert [str(t["tzid"]) for t in parsed.walk("VTIMEZONE")] == ["Asia/Baghdad"]


# --- the API ------------------------------------------------------------------------------


@pytest.fixture
def client(demo_copy: Engine) -> Any:
    with TestClient(create_app(), raise_server_exceptions=False) as made:
        made.headers["X-CSRF-Token"] = sign_in(made, "us-co-chair")
        yield made


def test_a_meeting_through_the_api(client: TestClient) -> None:
    body = {
        "title": "Third",
        "day": "2024-04-06",
        "start": "09:00",
        "place": "Erbil",
        "format": "video",
        "duration": 90,
    }
    made = client.post(API, json=body)
    assert made.status_code == 201, made.text
    meeting = made.json()
    ident = meeting["meeting"]["id"]
    assert meeting["since"] == "2024-01-27"
    assert client.put(f"{API}/{ident}/attendees", json={"usernames": ["us-analyst"]}).json() == [
        "us-analyst"
    ]
    decided = client.post(
        f"{API}/{ident}/decisions", json={"text": "Agreed.", "phase": "transition"}
    )
    assert decided.status_code == 201, decided.text
    approved = client.post(
        f"{API}/{ident}/decisions/{decided.json()['id']}/approve", json={"version": 1}
    )
    assert approved.json() == {"state": "proposed"}
    action = client.post(
        f"{API}/{ident}/actions",
        json={
            "text": "Report back",
            "owner": "iq-member",
            "due": "2024-05-01",
            "evidence": [{"kind": "url", "ref": "https://example.org"}],
        },
    )
    assert action.status_code == 201, action.text
    read = client.get(f"{API}/{ident}").json()
    assert [a["username"] for a in read["attendees"]] == ["us-analyst"]
    assert read["actions"][0]["evidence"] == [{"kind": "url", "ref": "https://example.org"}]
    listed = client.get(API).json()
    assert [m["id"] for m in listed] == [ident, EXERCISE]
    calendar = client.get(f"/api/commissions/{IRAQ}/meetings.ics")
    assert calendar.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"SUMMARY:Third" in calendar.content


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        (
            "POST",
            API,
            {"title": "x", "day": "2024-02-30", "start": "10:00", "place": "p", "format": "video"},
            422,
        ),
        (
            "POST",
            API,
            {"title": "x", "day": "2024-02-03", "start": "25:00", "place": "p", "format": "video"},
            422,
        ),
        (
            "POST",
            API,
            {
                "title": "x",
                "day": "2024-02-03",
                "start": "10:00",
                "place": "p",
                "format": "video",
                "timezone": "Mars/Olympus",
            },
            422,
        ),
        (
            "POST",
            API,
            {
                "title": "x\u0000",
                "day": "2024-02-03",
                "start": "10:00",
                "place": "p",
                "format": "video",
            },
            422,
        ),
        (
            "POST",
            API,
            {
                "title": "x",
                "day": "2024-02-03",
                "start": "10:00",
                "place": "p",
                "format": "video",
                "duration": "90",
            },
            422,
        ),
        ("POST", f"{API}/1/decisions", {"text": "x", "phase": "nowhere"}, 422),
        ("POST", f"{API}/1/decisions", {"text": "x", "amends": 99999}, 422),
        ("POST", f"{API}/1/decisions/1/approve", {"version": 1}, 409),
        ("PUT", f"{API}/1/decisions/1", {"text": "x", "version": 1}, 409),
        ("POST", f"{API}/99999/agenda", {"subject": "x"}, 404),
        ("POST", "/api/commissions/pic-iraq-2006/meetings/1/agenda", {"subject": "x"}, 404),
        ("PUT", f"{API}/1/agenda/1", {"position": -1}, 422),
        ("PUT", f"{API}/1/agenda/1/minutes", {"text": "x", "version": 99999999999}, 422),
        (
            "POST",
            f"{API}/1/actions",
            {
                "text": "x",
                "owner": "us-member",
                "due": "2024-03-01",
                "evidence": [{"kind": "event", "ref": "0"}],
            },
            422,
        ),
        ("PUT", f"{API}/1/actions/1", {"state": "finished"}, 422),
        ("PUT", f"{API}/1/actions/99999", {"state": "done"}, 404),
        ("GET", f"{API}/99999999999", None, 422),
    ],
)
def test_bad_input_is_answered_in_the_error_shape(
    client: TestClient, method: str, path: str, body: Any, status: int
) -> None:
    answer = client.request(method, path, json=body)
    assert answer.status_code == status, answer.text
    assert set(answer.json()["error"]) == {"code", "message", "details"}


def test_a_body_that_is_not_json_is_a_422(client: TestClient) -> None:
    answer = client.post(API, content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


def test_the_meeting_page_titles_found_items_in_its_language(client: TestClient) -> None:
    arabic = client.get("/meetings/1", params={"lang": "ar"}).text
    said = '<span class="said" dir="rtl" lang="ar">الانتقال · إقليم كوردستان</span>'
    assert said in arabic and "الاستخبارات والاستطلاع" in arabic
    assert "Transition · Kurdistan Region" not in arabic
    english = client.get("/meetings/1").text
    assert '<span class="said" dir="ltr" lang="en">Transition · Kurdistan Region</span>' in english
    assert "إقليم كوردستان" not in english


def test_a_nul_typed_in_a_page_form_is_refused_not_stored(client: TestClient) -> None:
    before = client.get(API).json()
    form = {"title": "Bad\x00title", "day": "2024-03-02", "start": "10:30", "place": "Erbil"}
    answer = client.post(f"/commissions/{IRAQ}/meetings", data=form)
    assert answer.status_code == 422
    assert client.get(API).json() == before
