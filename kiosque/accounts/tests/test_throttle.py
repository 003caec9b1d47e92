import re

import pytest
from django.test import Client

from kiosque.accounts.models import AttemptOutcome, ConnectionAttempt
from kiosque.accounts.tests.conftest import PASSWORD, login, without_csrf
from kiosque.audit.models import AuditEvent
from kiosque.core.models import RateLimitCounter
from kiosque.mail.models import OutboxMessage
from kiosque.testing.processes import clean_env, free_port, run_kiosque, serving

WRONG = "Mauvais-Secret-99"


def fail(client, identifier, times):
    for _ in range(times):
        response = login(client, identifier, WRONG)
        assert response.status_code == 200, response.content.decode()[-3000:]


def test_five_failures_then_a_growing_delay_with_a_clear_message(client, user, clock):
    fail(client, "ndupont", 5)
    response = login(client, "ndupont", PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans 2 secondes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    clock.advance(seconds=3)
    fail(client, "ndupont", 1)
    assert "Réessayez dans 4 secondes." in login(client, "ndupont").content.decode()
    clock.advance(seconds=5)
    assert login(client, "ndupont").status_code == 302  # the right password, after the wait


def test_twenty_failures_lock_the_account_for_fifteen_minutes_and_mail_the_user(
    client, user, settings, clock
):
    settings.KIOSQUE_LOGIN_DELAY_SECONDS = 0
    fail(client, "ndupont", 19)
    assert not OutboxMessage.objects.exists()
    fail(client, "nathalie.dupont@exemple.fr", 1)  # the e-mail counts for the same account
    response = login(client, "ndupont", PASSWORD)
    assert response.status_code == 429
    assert "Ce compte est temporairement verrouillé" in response.content.decode()
    assert "Réessayez dans 15 minutes." in response.content.decode()
    mail = OutboxMessage.objects.get()
    assert mail.to == [user.email]
    assert "Compte temporairement verrouillé" in mail.subject
    assert AuditEvent.objects.filter(action="account.locked").count() == 1
    assert ConnectionAttempt.objects.filter(user=user, outcome=AttemptOutcome.LOCKED).exists()
    clock.advance(minutes=15, seconds=1)
    assert login(client, "ndupont", PASSWORD).status_code == 302


def test_unknown_logins_are_throttled_and_answered_like_wrong_passwords(user, settings, clock):
    settings.KIOSQUE_LOGIN_DELAY_SECONDS = 0
    known, unknown = Client(), Client()
    for _ in range(20):
        a = login(known, "ndupont", WRONG)
        b = login(unknown, "personne", WRONG)
        assert a.status_code == b.status_code
        strip = lambda r: re.sub(r'value="[^"]*"', "", without_csrf(r.content))  # noqa: E731
        assert strip(a) == strip(b)
    a, b = login(known, "ndupont", WRONG), login(unknown, "personne", WRONG)
    assert a.status_code == b.status_code == 429
    assert "Ce compte est temporairement verrouillé" in b.content.decode()
    assert AuditEvent.objects.filter(action="login.failed").count() >= 40


def test_per_ip_limit_covers_many_accounts(client, make_user, settings):
    settings.KIOSQUE_LOGIN_IP_DELAY_AFTER = 3
    for n in range(3):
        login(client, f"quelquun{n}", WRONG)
    response = login(client, "autre", WRONG)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_a_success_clears_the_account_counter(client, user):
    fail(client, "ndupont", 3)
    counter = RateLimitCounter.objects.filter(key=f"login.account:user:{user.pk}")
    assert counter.get().count == 3
    assert login(client, "ndupont").status_code == 302
    assert not counter.exists()


def test_unknown_login_runs_the_hasher_like_djangos_model_backend(db, monkeypatch):
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from kiosque.accounts.flows import login as login_flow

    calls = []
    original = Argon2PasswordHasher.encode

    def spy(self, password, salt):
        calls.append(password)
        return original(self, password, salt)

    monkeypatch.setattr(Argon2PasswordHasher, "encode", spy)
    authenticate(username="personne", password="x-Secret-1")
    assert calls == ["x-Secret-1"]  # Django's ModelBackend hashes for unknown users
    login_flow.authenticate(_request(), "personne", "y-Secret-2")
    assert calls[-1] == "y-Secret-2"  # and so does ours


def _request():
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory

    request = RequestFactory().post("/connexion/")
    request.session = SessionStore()
    return request


@pytest.mark.slow
def test_lockout_holds_across_two_server_processes(tmp_path, settings):
    """Two real `kiosque serve` on one database (PostgreSQL in CI's second run, else a
    shared SQLite file): failures alternate between them and the lock applies on both."""
    database_url = None
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        name = f"kiosque_lock_{free_port()}"
        database_url = f"postgres://postgres@127.0.0.1:5432/{name}"
        _create_pg_database(name)
    env = clean_env(
        tmp_path,
        DATABASE_URL=database_url,
        KIOSQUE_SECOND_FACTOR_REQUIRED="false",
        KIOSQUE_LOGIN_DELAY_SECONDS="0",
        KIOSQUE_ARGON2_MEMORY_KIB="1024",
        KIOSQUE_ARGON2_TIME_COST="1",
    )
    try:
        result = run_kiosque("migrate", "--no-input", env=env)
        assert result.returncode == 0, result.stderr
        script = (
            "from kiosque.accounts.models import User;"
            "User.objects.create_user('ndupont', 'n@exemple.fr', 'Ancien-Secret-2025')"
        )
        result = run_kiosque("shell", "-c", script, env=env)
        assert result.returncode == 0, result.stderr
        with (
            serving(env, tmp_path / "a.log") as (base_a, _a),
            serving(env, tmp_path / "b.log") as (base_b, _b),
        ):
            for n in range(20):
                status, body = _post_login(base_a if n % 2 else base_b, WRONG)
                assert status == 200 and "Identifiant ou mot de passe incorrect." in body
            for base in (base_a, base_b):
                status, body = _post_login(base, PASSWORD)
                assert status == 429
                assert "Ce compte est temporairement verrouillé" in body
    finally:
        if database_url:
            _drop_pg_database(name)


def _post_login(base, password):
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/connexion/").read()
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    data = urllib.parse.urlencode(
        {"username": "ndupont", "password": password, "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(
        base + "/connexion/", data=data, headers={"Referer": base + "/connexion/"}
    )
    try:
        with opener.open(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _pg(sql):
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(sql)


def _create_pg_database(name):
    _pg(f'CREATE DATABASE "{name}"')


def _drop_pg_database(name):
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_both_keys_are_checked_in_one_query_account_first(db, settings, clock):
    from datetime import timedelta

    from django.utils import timezone

    from kiosque.accounts.flows import throttle

    now = timezone.now()
    RateLimitCounter.objects.create(
        key="login.ip:ip:10.0.0.1", count=0, expires_at=now, locked_until=now + timedelta(1)
    )
    checks = [("user:1", throttle.account_limits()), ("ip:10.0.0.1", throttle.ip_limits())]
    refusal, counted = throttle.check_keys(checks, now)
    assert refusal.locked and counted == {"ip:10.0.0.1"}
    RateLimitCounter.objects.create(
        key="login.account:user:1", count=6, last_hit_at=now, expires_at=now
    )
    refusal, counted = throttle.check_keys(checks, now)
    assert not refusal.locked and refusal.retry_after == 4  # the account's delay, asked first
    assert counted == {"user:1", "ip:10.0.0.1"}
