"""'hmc meeting', 'hmc decision' and 'hmc action' as members script them, with their password."""

from __future__ import annotations

import re
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from hmc.cli import app

runner = CliRunner()
PASSWORD = "exercise-only-password"  # hmc demo's members


def hmc(user: str, *args: str) -> Result:
    """``hmc ARGS --user USER``, the password on stdin's first line as a script gives it."""
    return runner.invoke(app, [*args, "--user", user], input=f"{PASSWORD}\n")


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_meeting_run_from_the_command_line(demo_copy: Engine, tmp_path: Path) -> None:
    made = ok(
        hmc(
            "us-co-chair",
            "meeting",
            "schedule",
            "Second meeting",
            "--day",
            "2024-03-02",
            "--at",
            "10:30",
            "--place",
            "Erbil",
            "--format",
            "video",
            "--timezone",
            "Asia/Baghdad",
        )
    )
    meeting = re.match(r"meeting (\d+) scheduled", made)
    assert meeting, made
    ident = meeting.group(1)
    assert "hmc-iraq-2024" in ok(hmc("iq-observer", "meeting", "list"))
    ok(hmc("iq-co-chair", "meeting", "attendees", ident, "iq-co-chair", "iq-member"))
    shown = ok(hmc("us-member", "meeting", "show", ident))
    assert "attending for iq: iq-co-chair, iq-member" in shown
    assert "overdue" not in shown and "action" in shown  # the exercise's action, on the agenda
    item = re.search(r"│\s+(\d+) │ 1 │", shown)
    assert item, shown
    ok(hmc("iq-analyst", "meeting", "minutes", ident, item.group(1), "--text", "IQ-DRAFT-NOTE"))
    assert "IQ-DRAFT-NOTE" not in ok(hmc("us-co-chair", "meeting", "show", ident))
    assert "IQ-DRAFT-NOTE" in ok(hmc("iq-member", "meeting", "show", ident))
    ok(hmc("iq-co-chair", "meeting", "minutes", ident, item.group(1), "--share"))
    assert "IQ-DRAFT-NOTE" in ok(hmc("us-observer", "meeting", "show", ident))
    proposed = ok(
        hmc(
            "us-co-chair",
            "decision",
            "propose",
            ident,
            "The gate opens later.",
            "--phase",
            "transition",
            "--area",
            "kurdistan-region",
            "--not-before",
            "2025-12-31",
        )
    )
    decision = re.match(r"decision (\d+) proposed", proposed)
    assert decision, proposed
    first = ok(
        hmc("us-co-chair", "decision", "approve", ident, decision.group(1), "--version", "1")
    )
    assert "waiting for the other co-chair" in first
    second = ok(
        hmc("iq-co-chair", "decision", "approve", ident, decision.group(1), "--version", "1")
    )
    assert "it stands" in second and "took effect in framework version 2" in second
    ok(
        hmc(
            "us-co-chair",
            "action",
            "add",
            ident,
            "Send the report",
            "--owner",
            "iq-analyst",
            "--due",
            "2024-04-01",
            "--evidence",
            "url:https://example.org/report",
        )
    )
    ok(hmc("iq-analyst", "action", "state", "1", "1", "done"))  # the exercise meeting's action
    out = tmp_path / "meetings.ics"
    assert "2 meetings, 1 open actions" in ok(
        hmc("us-observer", "meeting", "ics", "--out", str(out))
    )
    parsed = Calendar.from_ical(out.read_bytes())
    assert {str(e["summary"]) for e in parsed.walk("VEVENT")} >= {"Second meeting"}


def test_refusals_are_one_red_line(demo_copy: Engine) -> None:
    refused = hmc(
        "us-analyst",
        "meeting",
        "schedule",
        "x",
        "--day",
        "2024-03-02",
        "--at",
        "10:00",
        "--place",
        "p",
    )
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: only a co-chair may do this")
    bad = hmc(
        "us-co-chair",
        "meeting",
        "schedule",
        "x",
        "--day",
        "2024-02-30",
        "--at",
        "10:00",
        "--place",
        "p",
    )
    assert bad.exit_code == 1 and "--day" in bad.stderr and "Traceback" not in bad.output
    stale = hmc("iq-co-chair", "decision", "approve", "1", "1", "--version", "1")
    assert stale.exit_code == 1 and "stands already" in stale.stderr


def test_a_meeting_shown_in_arabic(demo_copy: Engine) -> None:
    arabic = ok(hmc("us-member", "--lang", "ar", "meeting", "show", "1"))
    assert "جدول الأعمال" in arabic and "يحضر عن us: us-analyst، us-co-chair" in arabic
    assert "تباين" in arabic and "المحضر" in arabic  # an item's kind, a column's heading
    assert "27 يناير 2024" in arabic and "حضوري" in arabic  # the day, the format
    # the found items' titles name the configured indicator, phase and area in Arabic
    assert "الاستخبارات والاستطلاع" in arabic and "الانتقال · إقليم كوردستان" in arabic
    assert "القرار 1، النسخة 1 [نافذ]" in arabic and "الإجراء 1 [مفتوح]" in arabic
    for english_word in (
        "Agenda",
        "attending for",
        "Intelligence and ISR",
        "Kurdistan",
        "in person",
    ):
        assert english_word not in arabic
    english = ok(hmc("us-member", "meeting", "show", "1"))
    assert "Agenda" in english and "Transition · Kurdistan Region" in english
    assert "الاستخبارات" not in english and "2024-01-27 10:00 UTC, 120 min" in english
    listed = ok(hmc("us-member", "--lang", "ar", "meeting", "list"))
    assert "اجتماعات العمل في hmc-iraq-2024" in listed and "حضوري" in listed
    assert "Working meetings" not in listed
