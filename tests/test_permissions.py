"""Named permissions: who holds each, and pages that offer a form exactly when it is held."""

from __future__ import annotations

from datetime import date, time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from conftest import sign_in
from hmc.accounts import get_member
from hmc.actor import Actor
from hmc.app import create_app
from hmc.assessment import service as rounds
from hmc.errors import Forbidden
from hmc.meetings import decisions
from hmc.meetings import service as meetings
from hmc.permissions import Permission, acting_party, may, require
from hmc.storage import get_engine, session_scope

CID = "hmc-iraq-2024"
MEMBERS = [f"{p}-{r}" for p in ("us", "iq") for r in ("co-chair", "analyst", "member", "observer")]
READS = {p for p in Permission if p.startswith("read_")}
DRAFTS = {
    Permission.DRAFT_RATING,
    Permission.DRAFT_MINUTES,
    Permission.COMPUTE_TIMELINE,
    Permission.REVIEW_NEWS,
}


def member(role: str, party: str | None = "us", commission: str = CID) -> Actor:
    return Actor("member", role, 1, party=party, role=role, commission_id=commission)


@pytest.mark.parametrize(
    ("actor", "held"),
    [
        (member("co_chair"), set(Permission)),
        (member("analyst"), READS | DRAFTS),
        (member("member"), READS | DRAFTS),
        (member("observer"), READS),
        (member("admin", party=None, commission=""), READS),
        (member("co_chair", commission="pic-iraq-2006"), set()),
        (Actor.system("hmc init"), set()),
    ],
    ids=["co-chair", "analyst", "member", "observer", "admin", "other commission", "system"],
)
def test_each_role_holds_its_permissions_and_is_refused_the_rest(
    actor: Actor, held: set[Permission]
) -> None:
    assert {p for p in Permission if may(actor, p, CID)} == held
    for permission in set(Permission) - held:
        with pytest.raises(Forbidden):
            require(actor, permission, CID)


def test_an_action_is_changed_by_a_co_chair_or_its_owner_party() -> None:
    analyst = member("analyst", party="iq")
    assert may(analyst, Permission.UPDATE_ACTION, CID, owner="iq")
    assert not may(analyst, Permission.UPDATE_ACTION, CID, owner="us")
    assert acting_party(analyst, Permission.UPDATE_ACTION, CID, owner="iq") == "iq"
    assert may(member("co_chair"), Permission.UPDATE_ACTION, CID, owner="iq")
    with pytest.raises(Forbidden, match="owner's party"):
        require(member("observer", party="iq"), Permission.UPDATE_ACTION, CID, owner="iq")


def test_an_administrator_reads_and_never_acts_for_a_party() -> None:
    admin = member("admin", party=None, commission="")
    with pytest.raises(Forbidden, match="co-chairs, members and analysts"):
        acting_party(admin, Permission.DRAFT_RATING, CID)
    with pytest.raises(Forbidden, match="only members of other may see its meetings"):
        require(member("observer"), Permission.READ_MEETINGS, "other")


def _forms(engine: Engine) -> dict[str, str]:
    """A round in drafting and a meeting with an item, a decision and an action (iq's)."""
    with session_scope(engine) as session:
        chair = get_member(session, username="us-co-chair").actor
        opened = rounds.open_round(
            session, actor=chair, commission_id=CID, name="R", as_of=date(2024, 2, 25)
        )
        made = meetings.schedule(
            session,
            actor=chair,
            commission_id=CID,
            title="Permissions",
            day=date(2024, 4, 6),
            start=time(9),
            place="Erbil",
            format="video",
        )
        item = meetings.add_item(session, actor=chair, meeting_id=made.id, subject="A subject")
        decision = decisions.propose(session, actor=chair, meeting_id=made.id, text="Agreed.")
        action = meetings.add_action(
            session,
            actor=chair,
            meeting_id=made.id,
            text="Report back",
            owner="iq-member",
            due=date(2024, 5, 1),
        )
    m = f"/meetings/{made.id}"
    return {
        "open_round": f'action="/commissions/{CID}/rounds"',
        "draft_rating": f'action="/rounds/{opened.id}/items/',
        "submit": f'action="/rounds/{opened.id}/submit"',
        "schedule_meeting": f'action="/commissions/{CID}/meetings"',
        "name_attendees": f'action="{m}/attendees"',
        "arrange_agenda": f'action="{m}/agenda/{item}"',
        "draft_minutes": f'action="{m}/agenda/{item}/minutes"',
        "propose_decision": f'action="{m}/decisions"',
        "approve_decision": f'action="{m}/decisions/{decision}/approve"',
        "record_action": f'action="{m}/actions"',
        "update_action": f'action="{m}/actions/{action}"',
        "round": f"/rounds/{opened.id}",
        "meeting": m,
    }


def test_pages_offer_a_form_exactly_when_the_member_holds_its_permission(
    demo_copy: Engine,
) -> None:
    get_engine.cache_clear()
    forms = _forms(demo_copy)
    pages = {"round": forms.pop("round"), "meeting": forms.pop("meeting")}
    app = create_app()
    for username in [*MEMBERS, "admin"]:
        with TestClient(app) as client, session_scope(demo_copy) as session:
            sign_in(client, username)
            actor = get_member(session, username=username).actor
            html = "".join(
                client.get(path).text
                for path in (*pages.values(), f"/commissions/{CID}/rounds", "/meetings")
            )
        for permission, form in forms.items():
            held = may(actor, Permission(permission), CID, owner="iq")
            assert (form in html) == held, (username, permission)
