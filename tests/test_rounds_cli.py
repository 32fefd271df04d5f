"""'hmc round' as a member scripts it: signed in with their password, acting as them.

Drafts and joint ratings have no command; they are made here through the services, as
the pages make them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner, Result

from hmc.accounts import get_member
from hmc.accounts.models import LoginSession
from hmc.assessment import service
from hmc.assessment.views import round_view
from hmc.audit.models import AuditRecord
from hmc.cli import app
from hmc.storage import session_scope

runner = CliRunner()
PASSWORD = "exercise-only-password"  # hmc demo's members
US_RATIONALE = "US-ONLY DRAFT: checkpoints manned around the clock"


def hmc(user: str, *args: str, password: str = PASSWORD) -> Result:
    """``hmc round ARGS --user USER``, the password on stdin's first line as a script gives it."""
    return runner.invoke(app, ["round", *args, "--user", user], input=f"{password}\n")


def opened(result: Result) -> int:
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("round "), result.stdout
    return int(result.stdout.split()[1])


def draft(engine: Engine, username: str, round_id: int, *, level: int = 3) -> None:
    """Every item of the round rated by ``username``'s party, through the service."""
    with session_scope(engine) as session:
        actor = get_member(session, username=username).actor
        for item in round_view(session, viewer=actor, round_id=round_id).items:
            service.save_rating(
                session,
                actor=actor,
                item_id=item.id,
                level=level,
                confidence="medium",
                rationale=f"{US_RATIONALE} ({item.indicator.key})"
                if actor.party == "us"
                else "iq draft",
            )


def reconcile(engine: Engine, round_id: int, *, disputed: str | None = None) -> None:
    """A joint rating for every item (the lower level), or ``disputed`` for that indicator."""
    with session_scope(engine) as session:
        chair = get_member(session, username="us-co-chair").actor
        for item in round_view(session, viewer=chair, round_id=round_id).items:
            dispute = item.indicator.key == disputed
            service.reconcile(
                session,
                actor=chair,
                item_id=item.id,
                level=None if dispute else min(r.level for r in item.ratings.values()),
                disputed=dispute,
            )


def status(user: str, round_id: int) -> dict[str, Any]:
    result = hmc(user, "status", str(round_id), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def open_sessions(engine: Engine) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(LoginSession)
        return session.scalar(query.where(LoginSession.ended_at.is_(None))) or 0


def test_a_co_chair_opens_a_round_and_the_list_shows_it(demo_copy: Engine) -> None:
    result = hmc("us-co-chair", "open", "March 2024", "--as-of", "2024-03-30", "--flag-gap", "3")
    round_id = opened(result)
    assert "7 items to rate" in result.stdout
    listed = hmc("iq-observer", "list")
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.stdout.splitlines() if re.match(rf"│ +{round_id} │", line))
    assert "March 2024" in row and "2024-03-30" in row and "drafting" in row
    assert "Exercise" in listed.stdout  # the demo's signed round, marked as an exercise
    with session_scope(demo_copy) as session:
        record = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "open").order_by(AuditRecord.seq.desc())
        ).first()
        member = get_member(session, username="us-co-chair")
        assert record is not None and record.actor == f"member:{member.id}"
        assert record.after is not None and record.after["flag_gap"] == 3
    assert open_sessions(demo_copy) == 0  # each command signed its member out


def test_a_party_sees_only_its_own_drafts(demo_copy: Engine) -> None:
    round_id = opened(hmc("us-co-chair", "open", "April 2024", "--as-of", "2024-04-27"))
    draft(demo_copy, "us-analyst", round_id, level=4)
    theirs = hmc("iq-co-chair", "status", str(round_id), "--json")
    assert theirs.exit_code == 0, theirs.output
    assert US_RATIONALE not in theirs.stdout
    data = json.loads(theirs.stdout)
    assert data["viewer_party"] == "iq" and data["round"]["state"] == "drafting"
    assert all(item["ratings"] == {} for item in data["items"])
    ours = status("us-analyst", round_id)
    assert all(item["ratings"]["us"]["level"] == 4 for item in ours["items"])
    assert US_RATIONALE in ours["items"][0]["ratings"]["us"]["rationale"]
    table = hmc("iq-co-chair", "status", str(round_id))
    assert table.exit_code == 0 and "private" in table.stdout and US_RATIONALE not in table.stdout


def test_an_analyst_may_not_open_a_round(demo_copy: Engine) -> None:
    result = hmc("us-analyst", "open", "May 2024", "--as-of", "2024-05-25")
    assert result.exit_code == 1
    assert "Error: only a co-chair" in result.stderr
    assert open_sessions(demo_copy) == 0  # signed out although the command failed


def test_a_wrong_password_is_refused(demo_copy: Engine) -> None:
    for args in (["list"], ["open", "May 2024", "--as-of", "2024-05-25"]):
        result = hmc("us-co-chair", *args, password="not-the-password")
        assert result.exit_code == 1
        assert "Error: wrong username or password" in result.stderr
    assert hmc("nobody", "list").exit_code == 1
    no_password = runner.invoke(app, ["round", "list", "--user", "us-co-chair"], input="")
    assert no_password.exit_code == 1 and "no password" in no_password.stderr


def test_the_whole_workflow_to_both_signatures(demo_copy: Engine) -> None:
    round_id = opened(hmc("us-co-chair", "open", "June 2024", "--as-of", "2024-06-29"))
    draft(demo_copy, "us-analyst", round_id, level=2)
    draft(demo_copy, "iq-analyst", round_id, level=4)
    early = hmc("us-co-chair", "sign", str(round_id))
    assert early.exit_code == 1 and "only a released round is signed" in early.stderr

    first = hmc("us-co-chair", "submit", str(round_id))
    assert first.exit_code == 0, first.output
    assert "waiting for: iq" in first.stdout
    again = hmc("us-co-chair", "submit", str(round_id))
    assert again.exit_code == 1 and "already submitted" in again.stderr
    second = hmc("iq-co-chair", "submit", str(round_id))
    assert second.exit_code == 0 and "the round is released" in second.stdout

    released = status("iq-co-chair", round_id)
    assert released["round"]["state"] == "released"
    assert all(item["gap"] == 2 and item["flagged"] for item in released["items"])
    assert US_RATIONALE in released["items"][0]["ratings"]["us"]["rationale"]
    assert released["agreement"]["overall"]["exact"] == 0.0

    reconcile(demo_copy, round_id, disputed="isf_intelligence")
    us = hmc("us-co-chair", "sign", str(round_id))
    assert us.exit_code == 0, us.output
    assert "waiting for the co-chair of: iq" in us.stdout
    iq = hmc("iq-co-chair", "sign", str(round_id))
    assert iq.exit_code == 0, iq.output
    assert "signed by both co-chairs: the round is final" in iq.stdout

    signed = status("us-observer", round_id)
    assert signed["round"]["state"] == "signed" and signed["round"]["signed_by"] == ["iq", "us"]
    heads = {s["party"]: s["audit_head"] for s in signed["signatures"]}
    assert set(heads) == {"us", "iq"} and heads["us"] != heads["iq"]
    assert f"audit head {heads['us']}" in us.stdout and f"audit head {heads['iq']}" in iq.stdout
    disputed = next(i for i in signed["items"] if i["indicator"] == "isf_intelligence")
    assert disputed["joint"]["disputed"] and disputed["joint"]["level"] is None

    shown = hmc("us-observer", "status", str(round_id))
    assert shown.exit_code == 0, shown.output
    assert "signed on" in shown.stdout and "disputed" in shown.stdout
    assert heads["us"] in shown.stdout and heads["iq"] in shown.stdout

    amended = hmc("us-co-chair", "amend", str(round_id), "--name", "June 2024, corrected")
    new_id = opened(amended)
    assert f"amends round {round_id}" in amended.stdout
    assert status("us-co-chair", new_id)["round"]["amends"] == round_id

    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "audit chain intact" in verified.stdout
    assert open_sessions(demo_copy) == 0


def test_errors_name_what_is_wrong(demo_copy: Engine) -> None:
    missing = hmc("us-co-chair", "status", "999")
    assert missing.exit_code == 1 and "Error: no round 999" in missing.stderr
    bad_day = hmc("us-co-chair", "open", "July", "--as-of", "30/07/2024")
    assert bad_day.exit_code == 1 and "Error: --as-of:" in bad_day.stderr
    unknown = hmc("us-co-chair", "open", "July", "--as-of", "2024-07-27", "--indicator", "nope")
    assert unknown.exit_code == 1 and "nope" in unknown.stderr
    measured = hmc("us-co-chair", "open", "July", "--as-of", "2024-07-27", "-i", "battle_deaths")
    assert measured.exit_code == 1 and "not rated indicators" in measured.stderr
    unsigned = hmc("us-co-chair", "amend", "1")  # the demo's round is signed: this one is not
    assert unsigned.exit_code == 0, unsigned.output
    refused = hmc("us-co-chair", "amend", str(opened(unsigned)))
    assert refused.exit_code == 1 and "is not signed" in refused.stderr


def test_round_tables_fit_80_columns(demo_copy: Engine) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    hmc_script = str(Path(sys.executable).with_name("hmc"))
    for args in (["list"], ["status", "1"]):
        result = subprocess.run(
            [hmc_script, "round", *args, "--user", "us-observer"],
            env=env,
            input=f"{PASSWORD}\n",
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, args
    assert "isf_counter_terrorism" in result.stdout  # item keys are kept whole


def test_round_commands_have_help() -> None:
    for command in ("list", "open", "status", "submit", "sign", "amend"):
        result = runner.invoke(app, ["round", command, "--help"])
        assert result.exit_code == 0 and "--user" in result.output, command
