"""Members, sign-in, sessions and API tokens, as an administrator and a member meet them."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from hmc.accounts import (
    MemberInfo,
    SignedIn,
    add_member,
    authenticate,
    authenticate_token,
    change_password,
    create_token,
    disable_member,
    get_member,
    list_members,
    list_tokens,
    reset_password,
    revoke_token,
    sign_in,
    sign_out,
)
from hmc.accounts.models import ApiToken, LoginSession, Member, SignInAttempt
from hmc.actor import Actor
from hmc.audit.models import AuditRecord
from hmc.audit.service import trail
from hmc.cli import app
from hmc.errors import (
    Conflict,
    Forbidden,
    HmcError,
    InvalidInput,
    NotFound,
    NotSignedIn,
    TooManyAttempts,
)
from hmc.framework.service import load_commission, shipped_commissions
from hmc.storage import get_engine, open_database, session_scope

ADMIN = Actor.system("tests")
HMC = "hmc-iraq-2024"
PASSWORD = "correct horse battery"
ADDRESS = "192.0.2.10"
runner = CliRunner()


def load(engine: Engine) -> None:
    config = next(p for p in shipped_commissions() if p.stem == HMC)
    with session_scope(engine) as session:
        load_commission(session, path=config, actor=ADMIN)


@pytest.fixture
def hmc(engine: Engine) -> Engine:
    """An empty database with the Iraq HMC loaded (parties us and iq)."""
    load(engine)
    return engine


def add(
    engine: Engine, username: str, role: str = "analyst", party: str | None = "iq"
) -> MemberInfo:
    with session_scope(engine) as session:
        return add_member(
            session,
            actor=ADMIN,
            username=username,
            name=username.title(),
            role=role,
            password=PASSWORD,
            commission_id=HMC if party else None,
            party=party,
        )


def login(
    engine: Engine, username: str, password: str = PASSWORD, address: str = ADDRESS
) -> SignedIn:
    """Sign in as the web workspace would: one transaction, rolled back on an error."""
    with session_scope(engine) as session:
        return sign_in(session, username=username, password=password, address=address)


def who(engine: Engine, token: str) -> str | None:
    with session_scope(engine) as session:
        found = authenticate(session, token=token)
    return found.member.username if found else None


def raises(error: type[Exception], engine: Engine, call: object, **kwargs: object) -> str:
    """The message ``call`` fails with, run in a transaction of its own."""
    with pytest.raises(error) as caught, session_scope(engine) as session:
        call(session, **kwargs)  # type: ignore[operator]
    return str(caught.value)


# --- Members -----------------------------------------------------------------------------


def test_add_list_and_disable(hmc: Engine) -> None:
    chair = add(hmc, "Hassan.K", role="co_chair", party="iq")
    assert (chair.username, chair.party, chair.commission_id, chair.active) == (
        "hassan.k", "iq", HMC, True,
    )  # fmt: skip
    assert chair.actor == Actor("member", "hassan.k", chair.id, "iq", "co_chair", HMC)
    add(hmc, "lee", role="member", party="us")
    add(hmc, "root", role="admin", party=None)
    with session_scope(hmc) as session:
        everyone = list_members(session)
        of_hmc = list_members(session, commission_id=HMC)
        assert get_member(session, username="LEE").party == "us"
    assert [m.username for m in everyone] == ["root", "hassan.k", "lee"]  # admins first
    assert [m.username for m in of_hmc] == ["hassan.k", "lee"]
    with session_scope(hmc) as session:
        assert not disable_member(session, actor=ADMIN, username="lee").active
        assert not get_member(session, username="lee").active
    message = raises(Conflict, hmc, disable_member, actor=ADMIN, username="lee")
    assert message == "lee is already disabled"
    assert raises(NotFound, hmc, get_member, username="nobody") == 'no member "nobody"'


def test_a_username_is_taken_whatever_its_case(hmc: Engine) -> None:
    add(hmc, "amina")
    message = raises(
        Conflict, hmc, add_member, actor=ADMIN, username="Amina", name="Another Amina",
        role="analyst", password=PASSWORD, commission_id=HMC, party="us",
    )  # fmt: skip
    assert message == 'the username "amina" is taken'


def test_one_active_co_chair_per_party(hmc: Engine) -> None:
    add(hmc, "first", role="co_chair", party="us")
    add(hmc, "iraqi", role="co_chair", party="iq")  # the other party has its own
    second = dict(
        actor=ADMIN, username="second", name="Second", role="co_chair",
        password=PASSWORD, commission_id=HMC, party="us",
    )  # fmt: skip
    message = raises(Conflict, hmc, add_member, **second)
    assert (
        message == f"party us of {HMC} already has an active co-chair (first); disable them first"
    )
    with session_scope(hmc) as session:
        disable_member(session, actor=ADMIN, username="first")
        assert add_member(session, **second).role == "co_chair"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"password": "too short"}, InvalidInput, "a password has at least 12 characters"),
        ({"username": "a"}, InvalidInput, '"a" is not a username'),
        ({"username": "x y"}, InvalidInput, '"x y" is not a username'),
        ({"name": "  "}, InvalidInput, "a member's name has 1 to 200 characters"),
        ({"role": "general"}, InvalidInput, 'no role "general" (roles: co_chair, member'),
        ({"party": None}, InvalidInput, f"belongs to a party of {HMC} (us, iq): name one"),
        ({"commission_id": None, "party": None}, InvalidInput, "belongs to a commission's party"),
        ({"party": "uk"}, NotFound, f'no party "uk" in {HMC} (known: us, iq)'),
        ({"commission_id": "nato"}, NotFound, f'commission "nato" in this database (known: {HMC})'),
        ({"role": "admin"}, InvalidInput, "an administrator belongs to no party"),
    ],
)  # fmt: skip
def test_what_add_refuses(
    hmc: Engine, changes: dict[str, object], error: type[Exception], message: str
) -> None:
    wanted = {
        "actor": ADMIN, "username": "amina", "name": "Amina", "role": "analyst",
        "password": PASSWORD, "commission_id": HMC, "party": "iq",
    }  # fmt: skip
    assert message in raises(error, hmc, add_member, **{**wanted, **changes})
    with session_scope(hmc) as session:
        assert list_members(session) == []


def test_only_an_administrator_manages_members(hmc: Engine) -> None:
    analyst = add(hmc, "amina").actor
    message = raises(
        Forbidden, hmc, add_member, actor=analyst, username="x1", name="X", role="admin",
        password=PASSWORD,
    )  # fmt: skip
    assert message == "only an administrator may add members"
    assert "only an administrator" in raises(
        Forbidden, hmc, disable_member, actor=analyst, username="amina"
    )
    root = add(hmc, "root", role="admin", party=None).actor
    with session_scope(hmc) as session:
        disable_member(session, actor=root, username="amina")


# --- Signing in ---------------------------------------------------------------------------


def test_sign_in_opens_a_session_kept_as_a_digest(hmc: Engine) -> None:
    add(hmc, "amina")
    signed = login(hmc, " Amina ", address="2001:db8::1")
    assert signed.member.username == "amina" and signed.token != signed.csrf
    with session_scope(hmc) as session:
        found = authenticate(session, token=signed.token)
        stored = session.scalars(select(LoginSession)).one()
    assert found is not None and found.member == signed.member and found.csrf == signed.csrf
    assert stored.digest == hashlib.sha256(signed.token.encode()).hexdigest()
    assert stored.expires_at - stored.created_at == timedelta(hours=12)
    assert login(hmc, "amina").token != signed.token  # every sign-in a new session


def test_wrong_password_unknown_user_and_disabled_member_look_the_same(hmc: Engine) -> None:
    add(hmc, "amina")
    add(hmc, "gone")
    with session_scope(hmc) as session:
        disable_member(session, actor=ADMIN, username="gone")
    for username, password in (
        ("amina", "not my password"),
        ("nobody", PASSWORD),
        ("gone", PASSWORD),
    ):
        with pytest.raises(NotSignedIn) as caught:
            login(hmc, username, password)
        assert caught.value.message == "wrong username or password"
        assert caught.value.status == 401


def test_five_failures_lock_the_account_even_for_the_right_password(hmc: Engine) -> None:
    add(hmc, "amina")
    add(hmc, "lee")
    for _ in range(5):
        with pytest.raises(NotSignedIn):
            login(hmc, "amina", "guess guess guess")
    with pytest.raises(TooManyAttempts) as caught:
        login(hmc, "amina", PASSWORD)
    assert caught.value.message == "too many failed sign-ins; try again in 15 minutes"
    assert caught.value.status == 429
    assert login(hmc, "lee").member.username == "lee"  # the same address, another account
    _age_attempts(hmc, minutes=16)  # the lock ends when the failures are 15 minutes old
    assert login(hmc, "amina").member.username == "amina"


def _age_attempts(engine: Engine, minutes: int) -> None:
    with session_scope(engine) as session:
        for attempt in session.scalars(select(SignInAttempt)):
            attempt.at -= timedelta(minutes=minutes)


def test_twenty_failures_from_one_address_stop_it(hmc: Engine) -> None:
    add(hmc, "amina")
    for i in range(20):  # four guesses at each of five names: no account reaches its limit
        with pytest.raises(NotSignedIn):
            login(hmc, f"user{i // 4}", "guess guess guess")
    with pytest.raises(TooManyAttempts):
        login(hmc, "amina")
    assert login(hmc, "amina", address="198.51.100.7").member.username == "amina"


def test_sessions_that_no_longer_count(hmc: Engine) -> None:
    add(hmc, "amina")
    add(hmc, "lee")
    expired, ended, live = login(hmc, "amina"), login(hmc, "amina"), login(hmc, "lee")
    with session_scope(hmc) as session:
        row = session.scalars(
            select(LoginSession).where(
                LoginSession.digest == hashlib.sha256(expired.token.encode()).hexdigest()
            )
        ).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
        sign_out(session, token=ended.token)
        sign_out(session, token=ended.token)  # twice: nothing more to do
    assert who(hmc, expired.token) is None
    assert who(hmc, ended.token) is None
    assert who(hmc, live.token) == "lee"
    tampered = live.token[:-1] + ("A" if live.token[-1] != "A" else "B")
    assert who(hmc, tampered) is None
    assert who(hmc, "") is None
    with session_scope(hmc) as session:
        disable_member(session, actor=ADMIN, username="lee")
    assert who(hmc, live.token) is None


def test_a_password_change_ends_the_other_sessions(hmc: Engine) -> None:
    member = add(hmc, "amina")
    here, elsewhere = login(hmc, "amina"), login(hmc, "amina")
    new = "a much longer passphrase"
    message = raises(Forbidden, hmc, change_password, actor=member.actor, current="wrong", new=new)
    assert message == "the current password is wrong"
    with session_scope(hmc) as session:
        change_password(
            session, actor=member.actor, current=PASSWORD, new=new, keep_session_token=here.token
        )
    assert who(hmc, here.token) == "amina"
    assert who(hmc, elsewhere.token) is None
    with pytest.raises(NotSignedIn):
        login(hmc, "amina")
    assert login(hmc, "amina", new).member.username == "amina"
    assert "only a signed-in member" in raises(
        Forbidden, hmc, change_password, actor=ADMIN, current=new, new=PASSWORD
    )


def test_a_reset_ends_every_session(hmc: Engine) -> None:
    add(hmc, "amina")
    signed = login(hmc, "amina")
    with session_scope(hmc) as session:
        reset_password(session, actor=ADMIN, username="amina", password="reset by the admin")
    assert who(hmc, signed.token) is None
    assert login(hmc, "amina", "reset by the admin").member.username == "amina"


# --- API tokens ---------------------------------------------------------------------------


def test_tokens_are_made_used_and_revoked(hmc: Engine) -> None:
    amina, lee = add(hmc, "amina"), add(hmc, "lee", party="us")
    with session_scope(hmc) as session:
        plain = create_token(session, actor=amina.actor, username="amina", name="laptop")
        forever = create_token(session, actor=ADMIN, username="amina", name="script", days=None)
    assert plain.startswith("hmc_") and len(plain) > 40
    with session_scope(hmc) as session:
        assert authenticate_token(session, token=plain) == amina
        assert authenticate_token(session, token=plain + "x") is None
        tokens = list_tokens(session, username="amina")
        digests = set(session.scalars(select(ApiToken.digest)))
    assert [(t.name, t.revoked_at) for t in tokens] == [("laptop", None), ("script", None)]
    assert tokens[0].expires_at is not None and tokens[1].expires_at is None
    assert (tokens[0].expires_at - tokens[0].created_at).days == 90
    assert plain not in repr(tokens) and plain not in digests
    message = raises(Forbidden, hmc, create_token, actor=lee.actor, username="amina", name="x")
    assert message == "a member creates only their own tokens"
    message = raises(Forbidden, hmc, revoke_token, actor=lee.actor, token_id=tokens[0].id)
    assert message == "a member revokes only their own tokens"
    with session_scope(hmc) as session:
        assert revoke_token(session, actor=amina.actor, token_id=tokens[0].id).revoked_at
    with session_scope(hmc) as session:
        assert authenticate_token(session, token=plain) is None
        assert authenticate_token(session, token=forever) == amina
    assert "already revoked" in raises(
        Conflict, hmc, revoke_token, actor=ADMIN, token_id=tokens[0].id
    )
    assert raises(NotFound, hmc, revoke_token, actor=ADMIN, token_id=999) == "no token 999"
    assert "1 to 3650 days" in raises(
        InvalidInput, hmc, create_token, actor=ADMIN, username="amina", name="x", days=0
    )


def test_expired_tokens_and_disabled_members_tokens_do_not_work(hmc: Engine) -> None:
    add(hmc, "amina")
    with session_scope(hmc) as session:
        old = create_token(session, actor=ADMIN, username="amina", name="old", days=1)
        kept = create_token(session, actor=ADMIN, username="amina", name="kept")
    with session_scope(hmc) as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == "old")).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
    with session_scope(hmc) as session:
        assert authenticate_token(session, token=old) is None
        assert authenticate_token(session, token=kept) is not None
        disable_member(session, actor=ADMIN, username="amina")
    with session_scope(hmc) as session:
        assert authenticate_token(session, token=kept) is None
        assert all(t.revoked_at for t in list_tokens(session, username="amina") if t.name == "kept")


# --- The audit trail ---------------------------------------------------------------------


def test_no_secret_reaches_the_audit_trail(hmc: Engine) -> None:
    member = add(hmc, "amina")
    signed = login(hmc, "amina")
    with pytest.raises(NotSignedIn):
        login(hmc, "amina", "a wrong password")
    new = "the second passphrase"
    with session_scope(hmc) as session:
        sign_out(session, token=signed.token)
    with session_scope(hmc) as session:  # as a request does: a transaction of its own
        change_password(session, actor=member.actor, current=PASSWORD, new=new)
    with session_scope(hmc) as session:
        reset_password(session, actor=ADMIN, username="amina", password="the third passphrase")
        token = create_token(session, actor=ADMIN, username="amina", name="ci")
    with session_scope(hmc) as session:
        secrets = [PASSWORD, "a wrong password", new, "the third passphrase", token, signed.token]
        secrets += [signed.csrf, hashlib.sha256(signed.token.encode()).hexdigest()]
        secrets += list(session.scalars(select(Member.password_hash)))
        secrets += list(session.scalars(select(ApiToken.digest)))
        records = session.scalars(select(AuditRecord).order_by(AuditRecord.seq)).all()
        trail = json.dumps(
            [[r.actor, r.object_type, r.object_id, r.action, r.before, r.after] for r in records]
        )
    actions = [(r.object_type, r.action) for r in records]
    assert ("member", "add") in actions and ("member", "sign_in") in actions
    assert ("session", "sign_out") in actions and ("token", "create") in actions
    assert "argon2" not in trail
    for secret in secrets:
        assert secret not in trail


# --- The command line ---------------------------------------------------------------------


@pytest.fixture
def cli_db(hmc: Engine) -> Iterator[Engine]:
    yield hmc
    get_engine.cache_clear()


def test_cli_adds_lists_and_disables_members(cli_db: Engine) -> None:
    result = runner.invoke(
        app,
        ["member", "add", "amina", "--name", "Amina K.", "--role", "analyst", "--party", "iq"],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert f"added amina (analyst, party iq of {HMC})" in result.output
    result = runner.invoke(
        app, ["member", "add", "root", "--name", "Root", "--role", "admin"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["member", "list"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.output.splitlines() if "│ " in line}
    assert "Amina K." in rows["amina"] and f"{HMC}/iq" in rows["amina"]
    assert "analyst" in rows["amina"] and "yes" in rows["amina"]
    assert "admin" in rows["root"] and "—" in rows["root"]
    assert login(cli_db, "amina").member.name == "Amina K."  # the piped password is set
    result = runner.invoke(app, ["member", "disable", "amina"])
    assert result.exit_code == 0 and "disabled amina" in result.output
    result = runner.invoke(app, ["member", "list", "-c", HMC])
    assert "root" not in result.output and " no " in result.output


def test_cli_says_what_is_wrong(cli_db: Engine) -> None:
    command = ["member", "add", "amina", "--name", "A", "--role", "analyst", "--party", "iq"]
    result = runner.invoke(app, command, input="short\n")
    assert result.exit_code == 1
    assert "Error: a password has at least 12 characters (this one has 5)" in result.output
    result = runner.invoke(app, command, input="")
    assert result.exit_code == 1 and "Error: no password" in result.output
    result = runner.invoke(app, ["member", "disable", "nobody"])
    assert result.exit_code == 1 and 'Error: no member "nobody"' in result.output


def test_cli_resets_passwords_and_manages_tokens(cli_db: Engine) -> None:
    add(cli_db, "amina")
    result = runner.invoke(app, ["member", "reset-password", "amina"], input="the new passphrase\n")
    assert result.exit_code == 0 and "password of amina reset" in result.output
    assert login(cli_db, "amina", "the new passphrase").member.username == "amina"
    result = runner.invoke(app, ["token", "create", "amina", "--name", "ci", "--days", "30"])
    assert result.exit_code == 0, result.output
    plain = result.output.splitlines()[0]
    assert plain.startswith("hmc_") and "cannot be shown again" in result.output
    with session_scope(open_database(write=False)) as session:
        assert authenticate_token(session, token=plain) is not None
    result = runner.invoke(app, ["token", "list", "amina"])
    assert result.exit_code == 0 and " ci " in result.output and "active" in result.output
    assert plain not in result.output
    token_id = next(line.split()[1] for line in result.output.splitlines() if " ci " in line)
    result = runner.invoke(app, ["token", "revoke", token_id])
    assert result.exit_code == 0 and f"revoked token {token_id} (ci)" in result.output
    assert "revoked" in runner.invoke(app, ["token", "list", "amina"]).output


def test_cli_commands_have_help() -> None:
    for group, command in [("member", c) for c in ("add", "list", "disable", "reset-password")] + [
        ("token", c) for c in ("create", "list", "revoke")
    ]:
        result = runner.invoke(app, [group, command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, (group, command)


# --- PostgreSQL ---------------------------------------------------------------------------


def test_sign_in_on_postgres(hmc_on_postgres: str) -> None:
    engine = open_database(write=True)
    load(engine)
    add(engine, "amina")
    with pytest.raises(NotSignedIn):
        login(engine, "amina", "a wrong password")
    signed = login(engine, "amina")
    assert who(engine, signed.token) == "amina"
    with session_scope(engine) as session:
        assert len(session.scalars(select(SignInAttempt)).all()) == 1  # kept, though it failed


def test_a_delegation_does_not_see_when_or_where_the_other_signs_in(hmc: Engine) -> None:
    add(engine=hmc, username="us-analyst", party="us")
    watcher = add(engine=hmc, username="iq-chair", role="co_chair", party="iq")
    login(hmc, "us-analyst")
    with session_scope(hmc) as session:
        seen = trail(session, viewer=watcher.actor, released=set())
        own = trail(
            session, viewer=get_member(session, username="us-analyst").actor, released=set()
        )
    assert not [r for r in seen if r.action == "sign_in"]
    assert [r.after["address"] for r in own if r.action == "sign_in"] == [ADDRESS]


def test_guesses_sent_in_parallel_all_count(hmc: Engine) -> None:
    add(hmc, "amina")

    def guess(n: int) -> str:
        try:
            login(hmc, "amina", f"parallel guess {n}", address=f"198.51.100.{n}")
        except HmcError as exc:
            return exc.code
        return "signed in"

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = Counter(pool.map(guess, range(24)))
    assert answers["not_signed_in"] <= 5  # the others were refused before any check
    assert answers["not_signed_in"] + answers["too_many_attempts"] == 24


def test_a_reset_revokes_tokens_and_wrong_current_passwords_count(hmc: Engine) -> None:
    member = add(hmc, "amina")
    with session_scope(hmc) as session:
        token = create_token(session, actor=ADMIN, username="amina", name="script")
    for _ in range(5):
        with pytest.raises(Forbidden), session_scope(hmc) as session:
            change_password(session, actor=member.actor, current="not it at all", new="x" * 12)
    with pytest.raises(TooManyAttempts):
        login(hmc, "amina")
    with session_scope(hmc) as session:
        reset_password(session, actor=ADMIN, username="amina", password="a brand new passphrase")
    with session_scope(hmc) as session:
        assert authenticate_token(session, token=token) is None
