"""Attacks the second factors must resist.

- a TOTP code replayed to two server processes at once is accepted exactly once;
- concurrent guesses of a mailed code never exceed its 5 attempts;
- TOTP secrets are not in the database in clear (neither devices nor pending enrolments);
- codes never reach the logs or the audit log; pages carry no inline style or script.
"""

import json
import logging
import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.db import connection

from kiosque.audit.models import AuditEvent
from kiosque.mfa.tests.helpers import (
    STAGE_URL,
    add_device,
    code_from,
    current_totp,
    open_second_factor_stage,
    post_stage,
)
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
        assert "<script" not in text, template


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
