"""Audit record types: one registry, labelled in both languages, read by the trail page's
filter and the command line; the fields a record keeps are the ones records always kept."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from conftest import sign_in
from hmc.accounts import get_member
from hmc.app import create_app
from hmc.audit.types import TYPES, AuditType, DuplicateType, Registry, fields_of
from hmc.cli import app
from hmc.locale import translate
from hmc.meetings import service as meetings
from hmc.meetings.models import Decision, Meeting, Minutes
from hmc.storage import get_engine, session_scope


def test_a_type_is_registered_once() -> None:
    registry = Registry()
    registry.add(AuditType("minutes", "meetings", "Minutes"))
    with pytest.raises(DuplicateType, match='"minutes" is registered already'):
        registry.add(AuditType("minutes", "rounds"))
    with pytest.raises(DuplicateType, match="Minutes have an audit type already"):
        registry.add(AuditType("notes", "meetings", "Minutes"))
    assert [k.name for k in registry] == ["minutes"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_type_has_its_label_and_group_in_each_language(lang: str) -> None:
    for kind in TYPES:
        assert translate(lang, kind.label) != kind.label, (lang, kind.name)
        assert translate(lang, f"audit_about_{kind.about}") != f"audit_about_{kind.about}"
    assert translate("ar", "object_minutes") != translate("en", "object_minutes")


def test_a_record_keeps_the_fields_it_always_kept() -> None:
    """The JSON of records written before the registry: their hashes still verify."""
    meeting = Meeting(
        title="Review",
        title_lang="en",
        day=date(2024, 4, 6),
        start=time(9, 30),
        duration=90,
        timezone="Asia/Baghdad",
        place="Erbil",
        format="video",
        exercise=False,
    )
    assert fields_of(meeting) == {
        "title": "Review",
        "title_lang": "en",
        "day": "2024-04-06",
        "start": "09:30",
        "duration": 90,
        "timezone": "Asia/Baghdad",
        "place": "Erbil",
        "format": "video",
        "exercise": False,
    }
    minutes = Minutes(item_id=3, party_key="iq", text="نص", lang="ar", version=2, shared_at=None)
    assert fields_of(minutes) == {
        "item": 3,
        "party": "iq",
        "text": "نص",
        "lang": "ar",
        "version": 2,
        "shared": False,
    }
    minutes.shared_at = datetime(2024, 4, 6, 10)
    assert fields_of(minutes)["shared"] is True
    decision = Decision(
        meeting_id=1,
        item_id=None,
        text="Agreed.",
        lang="en",
        phase_key="transition",
        area_key=None,
        binds_on=None,
        change={},
        state="proposed",
        amends_id=None,
        version=1,
        framework_version=2,
    )
    assert fields_of(decision) == {
        "meeting": 1,
        "item": None,
        "text": "Agreed.",
        "lang": "en",
        "phase": "transition",
        "area": None,
        "binds_on": None,
        "change": {},
        "state": "proposed",
        "amends": None,
        "version": 1,
        "framework_version": 2,
    }


def test_the_trail_page_filters_meeting_records(demo_copy: Engine) -> None:
    get_engine.cache_clear()
    with session_scope(demo_copy) as session:
        chair = get_member(session, username="us-co-chair").actor
        made = meetings.schedule(
            session,
            actor=chair,
            commission_id="hmc-iraq-2024",
            title="Filtered",
            day=date(2024, 4, 6),
            start=time(9),
            place="Erbil",
            format="video",
        )
    with TestClient(create_app()) as client:
        sign_in(client, "iq-observer")
        everything = client.get("/audit").text
        assert '<option value="meeting">meeting</option>' in everything
        assert '<optgroup label="Meetings">' in everything
        page = client.get("/audit?type=meeting")
        arabic = client.get("/audit?type=meeting&lang=ar").text
    assert page.status_code == 200
    assert f'<code dir="ltr">meeting {made.id}</code>' in page.text
    assert '<option value="meeting" selected>meeting</option>' in page.text
    assert '<code dir="ltr">round ' not in page.text
    assert '<code dir="ltr">agenda_item ' not in page.text
    assert '<option value="meeting" selected>اجتماع</option>' in arabic


def test_the_command_line_lists_the_types() -> None:
    result = CliRunner().invoke(app, ["audit", "types"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == [k.name for k in TYPES]
    assert "minutes            meetings   minutes" in lines
