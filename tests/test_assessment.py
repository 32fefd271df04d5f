"""The round's workflow on the shipped Iraq HMC: drafts stay private, then divergence,
reconciliation, two signatures, and the joint ratings in the gates as known on a date."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, select, text

from hmc.accounts.models import Member
from hmc.actor import Actor
from hmc.assessment import service
from hmc.assessment.views import agreement_history, divergence, list_rounds, round_view
from hmc.audit.service import head, verify
from hmc.errors import Conflict, Forbidden, InvalidInput
from hmc.framework.models import Party
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import get_engine, session_scope
from hmc.timeline.status import status

TESTER = Actor.system("tests")
IRAQ = "hmc-iraq-2024"
RATED = [
    "isf_counter_terrorism",
    "isf_intelligence",
    "isf_air_and_fires",
    "isf_logistics",
    "isf_command",
    "isf_border_security",
    "isf_training",
]


def _member(session, username: str, party: str | None, role: str) -> Actor:
    party_id = session.scalar(
        select(Party.id).where(Party.commission_id == IRAQ, Party.key == party)
    )
    member = Member(
        username=username,
        party_id=party_id,
        name=username.title(),
        role=role,
        password_hash="-",
        active=True,
        created_at=datetime(2024, 1, 1),
        password_changed_at=datetime(2024, 1, 1),
    )
    session.add(member)
    session.flush()
    return Actor(
        kind="member",
        name=username,
        member_id=member.id,
        party=party,
        role=role,
        commission_id=IRAQ if party else None,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Engine:
    """An empty, migrated database: SQLite, then the real PostgreSQL server."""
    if request.param == "sqlite":
        engine: Engine = request.getfixturevalue("engine")
        return engine
    request.getfixturevalue("hmc_on_migrated_postgres")
    return get_engine()


@pytest.fixture
def people(db: Engine) -> dict[str, Actor]:
    engine = db
    path = next(p for p in shipped_commissions() if p.stem == IRAQ)
    with session_scope(engine) as session:
        load_commission(session, path=path, actor=TESTER)
        return {
            "us_chair": _member(session, "us-chair", "us", "co_chair"),
            "iq_chair": _member(session, "iq-chair", "iq", "co_chair"),
            "us_analyst": _member(session, "us-analyst", "us", "analyst"),
            "iq_analyst": _member(session, "iq-analyst", "iq", "analyst"),
            "us_observer": _member(session, "us-observer", "us", "observer"),
            "admin": _member(session, "admin", None, "admin"),
        }


def _rate_all(engine: Engine, actor: Actor, round_id: int, levels: dict[str, int]) -> None:
    with session_scope(engine) as session:
        for item in round_view(session, viewer=actor, round_id=round_id).items:
            service.save_rating(
                session,
                actor=actor,
                item_id=item.id,
                level=levels.get(item.indicator.key, 3),
                confidence="medium",
                rationale=f"{actor.party} view of {item.indicator.key}",
            )


def _open(engine: Engine, people: dict[str, Actor], as_of: date = date(2024, 1, 14)) -> int:
    with session_scope(engine) as session:
        opened = service.open_round(
            session, actor=people["us_chair"], commission_id=IRAQ, name="2024 Q1", as_of=as_of
        )
    return opened.id


def _released(engine: Engine, people: dict[str, Actor]) -> int:
    round_id = _open(engine, people)
    _rate_all(engine, people["us_analyst"], round_id, {"isf_counter_terrorism": 4})
    _rate_all(engine, people["iq_analyst"], round_id, {"isf_counter_terrorism": 2})
    with session_scope(engine) as session:
        service.submit(session, actor=people["us_chair"], round_id=round_id)
        service.submit(session, actor=people["iq_chair"], round_id=round_id)
    return round_id


def test_a_round_covers_every_rated_indicator(db: Engine, people) -> None:
    engine = db
    round_id = _open(engine, people)
    with session_scope(engine) as session:
        view = round_view(session, viewer=people["iq_analyst"], round_id=round_id)
    assert [i.indicator.key for i in view.items] == RATED
    assert view.items[0].levels[3].label == "Capable with limited advisory support"


def test_drafts_are_seen_by_their_own_party_only(db: Engine, people) -> None:
    engine = db
    round_id = _open(engine, people)
    _rate_all(engine, people["us_analyst"], round_id, {})
    with session_scope(engine) as session:
        for viewer, seen in [
            ("us_chair", {"us"}),
            ("us_analyst", {"us"}),
            ("iq_chair", set()),
            ("iq_analyst", set()),
            ("us_observer", set()),
            ("admin", set()),
        ]:
            view = round_view(session, viewer=people[viewer], round_id=round_id)
            assert {p for i in view.items for p in i.ratings} == seen, viewer


def test_both_submissions_release_the_round(db: Engine, people) -> None:
    engine = db
    round_id = _released(engine, people)
    with session_scope(engine) as session:
        view = round_view(session, viewer=people["us_observer"], round_id=round_id)
        found = divergence(session, viewer=people["iq_chair"], round_id=round_id)
    assert view.round.state == "released"
    assert all(set(i.ratings) == {"us", "iq"} for i in view.items)
    assert [i.indicator.key for i in found.flagged] == ["isf_counter_terrorism"]
    assert found.overall.items == 7
    assert found.overall.exact == pytest.approx(6 / 7)


def test_submission_needs_every_item_and_a_co_chair(db: Engine, people) -> None:
    engine = db
    round_id = _open(engine, people)
    with session_scope(engine) as session:
        with pytest.raises(InvalidInput, match="7 item"):
            service.submit(session, actor=people["us_chair"], round_id=round_id)
        with pytest.raises(Forbidden):
            service.submit(session, actor=people["us_analyst"], round_id=round_id)


def test_a_stale_save_is_refused_and_says_so(db: Engine, people) -> None:
    engine = db
    round_id = _open(engine, people)
    with session_scope(engine) as session:
        item = round_view(session, viewer=people["us_chair"], round_id=round_id).items[0]
        first = dict(item_id=item.id, level=3, confidence="low", rationale="first", version=None)
        assert service.save_rating(session, actor=people["us_analyst"], **first) == 1
        with pytest.raises(Conflict, match="changed by member:"):
            service.save_rating(session, actor=people["us_chair"], **first)
        second = {**first, "rationale": "second", "version": 1}
        assert service.save_rating(session, actor=people["us_chair"], **second) == 2


def test_signed_joint_ratings_enter_the_gates_from_the_second_signature(db: Engine, people) -> None:
    engine = db
    round_id = _released(engine, people)
    with session_scope(engine) as session:
        for item in round_view(session, viewer=people["us_chair"], round_id=round_id).items:
            service.reconcile(session, actor=people["us_chair"], item_id=item.id, level=4)
        service.sign(session, actor=people["us_chair"], round_id=round_id)
        with pytest.raises(Conflict, match="already signed"):
            service.sign(session, actor=people["us_chair"], round_id=round_id)
        assert list_rounds(session, viewer=people["admin"], commission_id=IRAQ)[0].state == (
            "released"
        )
        signed = service.sign(session, actor=people["iq_chair"], round_id=round_id)
    assert signed.state == "signed" and signed.signed_on == date.today()
    with session_scope(engine) as session:
        now = status(session, commission_id=IRAQ, as_of=date.today())
        before = status(session, commission_id=IRAQ, as_of=date(2024, 1, 27))
        with pytest.raises(Conflict):
            service.reconcile(
                session,
                actor=people["iq_chair"],
                item_id=round_view(session, viewer=people["iq_chair"], round_id=round_id)
                .items[0]
                .id,
                level=3,
                version=1,
            )
    rated = {s.indicator.key: s.latest_value for s in now.indicators if s.area is None}
    assert rated["isf_counter_terrorism"] == 4.0
    known_before = {s.indicator.key: s.latest_value for s in before.indicators}
    assert known_before["isf_counter_terrorism"] is None  # not signed yet on that day


def test_a_disputed_item_makes_its_gate_unknown_and_shows_each_party(
    db: Engine, people, tmp_path
) -> None:
    engine = db
    # the federal gate on a capability alone, so that the dispute is what decides it
    shipped = next(p for p in shipped_commissions() if p.stem == IRAQ).read_text()
    edited = tmp_path / f"{IRAQ}.toml"
    edited.write_text(
        shipped.replace(
            'when = "sustained(mean(isis_incidents, 4w) <= 5, 12w) and isf_counter_terrorism'
            ' >= 4 and isf_intelligence >= 3"',
            'when = "isf_counter_terrorism >= 4"',
        )
    )
    with session_scope(engine) as session:
        assert load_commission(session, path=edited, actor=TESTER).version == 2
    round_id = _released(engine, people)
    with session_scope(engine) as session:
        for item in round_view(session, viewer=people["us_chair"], round_id=round_id).items:
            key = item.indicator.key
            disputed = key == "isf_counter_terrorism"
            service.reconcile(
                session,
                actor=people["iq_chair"],
                item_id=item.id,
                level=None if disputed else 4,
                disputed=disputed,
                note="the parties read the raids differently" if disputed else "",
            )
        service.sign(session, actor=people["us_chair"], round_id=round_id, on=None)
        service.sign(session, actor=people["iq_chair"], round_id=round_id)
        result = status(session, commission_id=IRAQ, as_of=date.today())
    gate = next(
        g for g in result.gates if g.gate.area.key == "federal-iraq" and g.phase_key == "transition"
    )
    assert gate.condition is None  # (it holds anyway: its no-later-than date has passed)
    assert gate.by_party == {"us": True, "iq": False}  # the US rated 4, Iraq 2


def test_every_step_is_in_an_intact_audit_chain(db: Engine, people) -> None:
    engine = db
    round_id = _released(engine, people)
    with session_scope(engine) as session:
        assert verify(session).intact
        drafts = session.execute(
            text("SELECT count(*) FROM audit_record WHERE action = 'draft' AND private_to = 'us'")
        ).scalar()
        assert drafts == 7
        history = agreement_history(session, viewer=people["us_observer"], commission_id=IRAQ)
        assert [h.round.id for h in history] == [round_id]
        assert len(head(session)) == 64


def test_a_round_names_each_indicator_once(db: Engine, people) -> None:
    with (
        session_scope(db) as session,
        pytest.raises(InvalidInput, match="isf_training given twice"),
    ):
        service.open_round(
            session,
            actor=people["us_chair"],
            commission_id=IRAQ,
            name="twice",
            as_of=date(2024, 1, 14),
            indicators=["isf_training", "isf_command", "isf_training"],
        )


def test_a_co_chair_signs_only_the_joint_ratings_they_saw(db: Engine, people) -> None:
    round_id = _released(db, people)
    with session_scope(db) as session:
        for item in round_view(session, viewer=people["us_chair"], round_id=round_id).items:
            service.reconcile(session, actor=people["us_chair"], item_id=item.id, level=3)
        seen = round_view(session, viewer=people["us_chair"], round_id=round_id)
        first = seen.items[0].id
        service.reconcile(  # the other co-chair changes one while the US page is open
            session, actor=people["iq_chair"], item_id=first, level=1, version=1
        )
        with pytest.raises(Conflict, match="changed since you reviewed them"):
            service.sign(
                session, actor=people["us_chair"], round_id=round_id, reviewed=seen.reviewed
            )
        again = round_view(session, viewer=people["us_chair"], round_id=round_id)
        signed = service.sign(
            session, actor=people["us_chair"], round_id=round_id, reviewed=again.reviewed
        )
    assert signed.signed_by == ("us",)
