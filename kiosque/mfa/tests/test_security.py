"""Attacks the second factors must resist.

- a TOTP code replayed to two server processes at once is accepted exactly once;
- concurrent guesses of a mailed code never exceed its 5 attempts;
- TOTP secrets are not in the database in clear (neither devices nor pending enrolments);
- codes never reach the logs or the audit log; pages carry no inline style or script.
"""

import json
import logging
import os
import re
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection
from django.test import Client

from kiosque.audit.models import AuditEvent
from kiosque.mfa.models import Passkey
from kiosque.mfa.tests.helpers import (
    STAGE_URL,
    add_device,
    code_from,
    current_totp,
    enrol_passkey,
    open_second_factor_stage,
    passkey_second_factor,
    passkey_sign_in,
    post_stage,
)
from kiosque.mfa.tests.soft_authenticator import SoftAuthenticator
from kiosque.testing.processes import KIOSQUE, clean_env, run_kiosque

MFA_DIR = Path(__file__).resolve().parents[1]


# --- two processes sharing one database ----------------------------------------------------


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(scope="module")
def shared_db_env(tmp_path_factory):
    """An environment for `kiosque` processes on a fresh, migrated database.

    SQLite file in tmp_path, or (when DATABASE_URL is PostgreSQL, as in CI's second run) a
    new PostgreSQL database created for these tests and dropped after them. The racing
    tests use distinct users, so they share it (migrating once is the slow part).
    """
    tmp_path = tmp_path_factory.mktemp("shared-db")
    base = _postgres_url()
    if base is None:
        env = clean_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}")
        dropper = None
    else:
        import psycopg

        name = f"kiosque_mfa_{uuid.uuid4().hex[:10]}"
        parts = urlparse(base)
        admin_url = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env = clean_env(tmp_path, DATABASE_URL=urlunparse(parts._replace(path=f"/{name}")))

        def dropper():
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        result = run_kiosque("migrate", "--no-input", env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        yield env
    finally:
        if dropper:
            dropper()


def kiosque_shell(code: str, env: dict) -> str:
    result = run_kiosque("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def race(script: str, env: dict, tmp_path: Path, count: int = 2) -> list:
    """Run `script` in `count` processes released at the same instant; their JSON outputs."""
    go = tmp_path / "go"
    prologue = (
        "import json, pathlib, sys, time\n"
        f"ready = pathlib.Path({str(tmp_path)!r}) / ('ready-' + str(__import__('os').getpid()))\n"
        "ready.touch()\n"
        f"go = pathlib.Path({str(go)!r})\n"
        "while not go.exists():\n    time.sleep(0.0005)\n"
    )
    processes = [
        subprocess.Popen(
            [*KIOSQUE, "shell", "-c", prologue + script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < count:
        assert time.monotonic() < deadline, "racers did not start"
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        time.sleep(0.01)
    go.touch()
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        outputs.append(last_json(stdout))
    return outputs


SETUP_TOTP_USERS = """
import json
from django.contrib.auth import get_user_model
from kiosque.mfa.tests.helpers import add_device
secrets = {}
for n in range(ROUNDS):
    user = get_user_model().objects.create_user(f"racer{n}", email=f"racer{n}@example.fr")
    secrets[user.username] = add_device(user)[1]
print(json.dumps(secrets))
"""

RACE_TOTP = """
import json
from django.contrib.auth import get_user_model
from kiosque.mfa.flows import totp_login
results = []
for username, code in CODES:
    user = get_user_model().objects.get(username=username)
    results.append(str(totp_login.check(user, code, for_time=FOR_TIME)[0]))
print(json.dumps(results))
"""


@pytest.mark.slow
def test_a_totp_code_sent_to_two_processes_at_once_is_accepted_once(shared_db_env, tmp_path):
    rounds = 12
    secrets = last_json(
        kiosque_shell(SETUP_TOTP_USERS.replace("ROUNDS", str(rounds)), shared_db_env)
    )
    now = time.time()
    codes = [[username, current_totp(secret, now)] for username, secret in secrets.items()]
    script = RACE_TOTP.replace("CODES", json.dumps(codes)).replace("FOR_TIME", repr(now))
    first, second = race(script, shared_db_env, tmp_path)
    for outcome_a, outcome_b in zip(first, second, strict=True):
        assert sorted([outcome_a, outcome_b]) == ["accepted", "replayed"]


SETUP_MAILED_CODE = """
from django.contrib.auth import get_user_model
from kiosque.mfa.flows import mail_code
user = get_user_model().objects.create_user("guesser", email="guesser@example.fr")
print(mail_code.LOGIN_CODES.issue(user))
"""

RACE_GUESSES = """
import json
from django.contrib.auth import get_user_model
from kiosque.mfa.flows import mail_code
user = get_user_model().objects.get(username="guesser")
print(json.dumps([str(mail_code.LOGIN_CODES.verify(user, code).outcome) for code in GUESSES]))
"""


@pytest.mark.slow
def test_concurrent_guesses_never_exceed_five_attempts(shared_db_env, tmp_path):
    code = kiosque_shell(SETUP_MAILED_CODE, shared_db_env).strip().splitlines()[-1]
    guesses = [f"{(int(code) + n) % 1_000_000:06d}" for n in range(1, 9)]
    outcomes = race(
        RACE_GUESSES.replace("GUESSES", json.dumps(guesses)), shared_db_env, tmp_path, count=3
    )
    checked = [o for results in outcomes for o in results if o == "wrong_code"]
    assert len(checked) == 5
    assert all(o in ("wrong_code", "too_many_attempts") for r in outcomes for o in r)
    check_right = RACE_GUESSES.replace("GUESSES", json.dumps([code]))
    assert last_json(kiosque_shell(check_right, shared_db_env)) == ["too_many_attempts"]


# --- secrets at rest -----------------------------------------------------------------------


def database_dump() -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    settings_dict = connection.settings_dict
    result = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h", settings_dict["HOST"] or "127.0.0.1",
            "-p", str(settings_dict["PORT"] or 5432),
            "-U", settings_dict["USER"] or "postgres",
            settings_dict["NAME"],
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""},
        timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_totp_secrets_are_not_in_the_database_in_clear(client, user):
    _device, secret = add_device(user)
    client.force_login(user)
    page = client.get("/compte/second-facteur/ajouter/").content.decode()
    pending = page.split('id="totp-key">')[1].split("<")[0].replace(" ", "")
    dump = database_dump()
    assert "mfa_totpdevice" in dump  # the dump holds the table...
    assert secret not in dump  # ...but not the secret
    assert pending not in dump  # nor the key waiting in the session


# --- nothing secret in logs, audit log or page markup ---------------------------------------


@pytest.mark.django_db
def test_codes_are_not_logged_nor_audited(
    client, user, smtp_server, deliver_outbox, caplog, settings
):
    caplog.set_level(logging.DEBUG)
    _device, secret = add_device(user)
    open_second_factor_stage(client, user)
    post_stage(client, action="choose", method="mail_code")
    client.get(STAGE_URL)
    deliver_outbox()
    code = code_from(smtp_server.messages[-1])
    wrong = "000000" if code != "000000" else "111111"
    post_stage(client, action="verify", method="mail_code", code=wrong)
    post_stage(client, action="verify", method="mail_code", code=code)
    totp_code = current_totp(secret)
    client.logout()
    open_second_factor_stage(client, user)
    post_stage(client, action="choose", method="totp")
    post_stage(client, action="verify", method="totp", code=totp_code)
    # (aiosmtpd's own "mail.log" is the test SMTP server receiving the mail: not ours)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    audited = json.dumps([event.context for event in AuditEvent.objects.all()])
    for secret_value in (code, wrong, totp_code, secret):
        assert secret_value not in logged
        assert secret_value not in audited


@pytest.mark.django_db
def test_a_code_of_another_user_does_not_open_this_login(
    client, make_user, smtp_server, deliver_outbox
):
    alice, mallory = make_user("alice"), make_user("mallory")
    _device, alice_secret = add_device(alice)
    open_second_factor_stage(client, mallory)
    client.get(STAGE_URL)
    deliver_outbox()
    mallory_code = code_from(smtp_server.messages[-1])
    alice_code = current_totp(alice_secret)
    for code in {alice_code} - {mallory_code}:
        post_stage(client, action="verify", method="mail_code", code=code)
        assert client.session.get("_auth_user_id") is None


def test_templates_have_no_inline_style_or_script():
    for template in (MFA_DIR / "templates" / "mfa").glob("*.html"):
        text = template.read_text()
        assert "style=" not in text and "<style" not in text, template
        # Scripts are local static files (CSP script-src 'self'): a src, nothing inline.
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", text, flags=re.S):
            assert script == "", template
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert re.search(r"\bsrc=\"\{% static '[^']+\.js' %\}\"", tag), (template, tag)


@pytest.mark.django_db
def test_stage_pages_forbid_caching(staged_client, smtp_server):
    response = staged_client.get(STAGE_URL)
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_a_mailed_code_completes_only_the_attempt_that_asked_for_it(
    client, user, smtp_server, deliver_outbox
):
    from django.test import Client

    first, second = client, Client()
    open_second_factor_stage(first, user)
    open_second_factor_stage(second, user)  # another sign-in of the same account
    assert first.get(STAGE_URL).status_code == 200
    assert deliver_outbox() == 1
    code = code_from(smtp_server.messages[-1])
    assert second.get(STAGE_URL).status_code == 200  # mails a code of its own
    response = second.post(STAGE_URL, {"action": "verify", "method": "mail_code", "code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in second.session
    response = first.post(STAGE_URL, {"action": "verify", "method": "mail_code", "code": code})
    assert response.status_code == 302
    assert first.session["_auth_user_id"] == str(user.pk)


# --- passkeys (WebAuthn) ------------------------------------------------------------------


@pytest.fixture
def passkey_user(client, make_user):
    owner = make_user("pkowner")
    client.force_login(owner)
    authenticator = SoftAuthenticator()
    assert enrol_passkey(client, authenticator).status_code == 200
    client.logout()
    return owner, authenticator


def failures(reason):
    return AuditEvent.objects.filter(context__method="passkey", context__reason=reason).count()


@pytest.mark.django_db
def test_a_replayed_assertion_is_refused(client, passkey_user):
    owner, authenticator = passkey_user
    options = client.post("/connexion/cle-d-acces/options/").json()["publicKey"]
    credential = authenticator.get(options)
    assert client.post("/connexion/cle-d-acces/", {"credential": credential}).status_code == 200
    client.logout()
    # the same answer again: its challenge was used (and a new challenge does not match it)
    again = client.post("/connexion/cle-d-acces/", {"credential": credential})
    assert again.status_code == 400 and failures("no_challenge") == 1
    client.post("/connexion/cle-d-acces/options/")
    again = client.post("/connexion/cle-d-acces/", {"credential": credential})
    assert again.status_code == 400 and failures("invalid") == 1
    assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_an_expired_challenge_is_refused(client, passkey_user, settings):
    _, authenticator = passkey_user
    options = client.post("/connexion/cle-d-acces/options/").json()["publicKey"]
    settings.KIOSQUE_PASSKEY_CHALLENGE_SECONDS = -1
    response = client.post("/connexion/cle-d-acces/", {"credential": authenticator.get(options)})
    assert response.status_code == 400 and failures("no_challenge") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where", [{"origin": "https://evil.example"}, {"rp_id": "evil.example"}], ids=str
)
def test_a_wrong_origin_or_rp_id_is_refused(client, passkey_user, where):
    _, authenticator = passkey_user
    response = passkey_sign_in(client, authenticator, **where)
    assert response.status_code == 400 and failures("invalid") == 1
    assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_a_wrong_origin_at_enrolment_is_refused(client, make_user):
    client.force_login(make_user("pkenrol"))
    response = enrol_passkey(client, SoftAuthenticator(), origin="https://evil.example")
    assert response.status_code == 400
    assert not Passkey.objects.exists()


@pytest.mark.django_db
def test_a_counter_going_back_is_refused_and_audited(client, passkey_user):
    owner, authenticator = passkey_user
    Passkey.objects.filter(user=owner).update(sign_count=10)
    response = passkey_sign_in(client, authenticator, sign_count=5)
    assert response.status_code == 400
    assert "compteur a reculé" in response.json()["error"]
    event = AuditEvent.objects.get(context__reason="counter_regression")
    assert event.actor_id == owner.pk
    assert client.session.get("_auth_user_id") is None
    assert passkey_sign_in(client, authenticator, sign_count=11).status_code == 200


@pytest.mark.django_db
def test_user_verification_is_required(client, passkey_user):
    _, authenticator = passkey_user
    response = passkey_sign_in(client, authenticator, user_verified=False)
    assert response.status_code == 400 and failures("invalid") == 1


@pytest.mark.django_db
def test_a_deleted_passkey_no_longer_signs_in(client, passkey_user):
    owner, authenticator = passkey_user
    Passkey.objects.filter(user=owner).delete()
    response = passkey_sign_in(client, authenticator)
    assert response.status_code == 400 and failures("unknown_credential") == 1


@pytest.mark.django_db
def test_another_users_passkey_does_not_pass_the_second_factor(client, passkey_user, user):
    _, authenticator = passkey_user
    add_passkey_client = Client()
    add_passkey_client.force_login(user)
    enrol_passkey(add_passkey_client, SoftAuthenticator())
    open_second_factor_stage(client, user)
    response = passkey_second_factor(client, authenticator)
    assert response.status_code == 400 and failures("wrong_user") == 1
    assert client.session.get("_auth_user_id") is None


@pytest.mark.django_db
def test_a_user_handle_of_another_account_is_refused(client, passkey_user):
    _, authenticator = passkey_user
    authenticator.user_handle = b"someone else"
    response = passkey_sign_in(client, authenticator)
    assert response.status_code == 400 and failures("wrong_user") == 1


@pytest.mark.django_db
def test_only_homologated_authenticators_when_aaguids_are_set(client, make_user, settings):
    allowed = "2fc0579f-8113-47ea-b116-bb5a8db9202a"
    settings.KIOSQUE_PASSKEY_ALLOWED_AAGUIDS = [allowed.upper()]
    client.force_login(make_user("pkaaguid"))
    options = client.post("/compte/second-facteur/cle-d-acces/options/").json()["publicKey"]
    assert options["attestation"] == "direct"
    other = SoftAuthenticator(aaguid="11111111-2222-3333-4444-555555555555")
    response = enrol_passkey(client, other, fmt="packed")
    assert response.status_code == 400 and "homologué" in response.json()["error"]
    assert failures("aaguid_not_allowed") == 1
    # the right AAGUID without attestation is not trusted either
    assert enrol_passkey(client, SoftAuthenticator(aaguid=allowed)).status_code == 400
    assert enrol_passkey(client, SoftAuthenticator(aaguid=allowed), fmt="packed").status_code == 200
    assert Passkey.objects.get().aaguid == allowed


@pytest.mark.django_db
def test_passkey_endpoints_need_csrf(passkey_user):
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post("/connexion/cle-d-acces/options/").status_code == 403
    assert csrf_client.post("/connexion/cle-d-acces/", {"credential": "{}"}).status_code == 403


@pytest.mark.django_db
def test_the_stage_endpoints_need_the_open_second_factor_stage(client, passkey_user):
    assert client.post("/connexion/second-facteur/cle-d-acces/options/").status_code == 403


@pytest.mark.django_db
def test_passkey_attempts_at_the_second_factor_are_limited(client, passkey_user):
    owner, authenticator = passkey_user
    open_second_factor_stage(client, owner)
    for _ in range(10):
        assert passkey_second_factor(client, authenticator, user_verified=False).status_code == 400
    response = passkey_second_factor(client, authenticator)  # even a good answer now waits
    assert response.status_code == 429
    assert AuditEvent.objects.filter(context__reason="too_many_attempts").count() == 1
    assert client.session.get("_auth_user_id") is None
