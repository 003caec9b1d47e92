import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.core import ratelimit
from kiosque.core.models import RateLimitCounter
from kiosque.core.ratelimit import Lockout, Rate, parse_rate


@pytest.fixture
def rates(settings):
    """Set some rates for one test (the others keep their defaults)."""

    def set_rates(**values):
        settings.KIOSQUE_RATE_LIMITS = {name.replace("__", "."): v for name, v in values.items()}

    return set_rates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/15m", Rate(5, 900)),
        ("30/1h", Rate(30, 3600)),
        ("120/m", Rate(120, 60)),
        (" 3 / 2d ", Rate(3, 172800)),
        ("1/10s", Rate(1, 10)),
    ],
)
def test_rates_are_parsed_from_strings(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "5",
        "5/",
        "/15m",
        "5/15",
        "5/15x",
        "0/1h",
        "5/0m",
        "-1/h",
        "5 per hour",
        "5/1.5h",
        None,
        5,
    ],
)
def test_bad_rates_are_refused_with_the_expected_form(text):
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(text)


def test_a_bad_or_unknown_rate_in_settings_fails_the_system_check(settings):
    settings.KIOSQUE_RATE_LIMITS = {"login.account": "beaucoup", "login.acount": "5/15m"}
    messages = [str(error.msg) for error in run_checks() if error.id.startswith("kiosque.E10")]
    assert any("KIOSQUE_RATE_LIMITS['login.account']" in m and "5/15m" in m for m in messages)
    assert any("unknown rate 'login.acount'" in m for m in messages)
    with pytest.raises(ImproperlyConfigured):
        ratelimit.rate("login.account")


def test_every_default_rate_parses_and_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "configuration.md").read_text()
    assert not ratelimit.check_rate_settings()
    for name, text in ratelimit.RATES.items():
        parse_rate(text)
        assert f"`{name}`" in doc and f"`{text}`" in doc, name


def test_an_unknown_rate_name_in_code_fails_at_import():
    with pytest.raises(ImproperlyConfigured):
        ratelimit.limit("no.such.rate")


@pytest.mark.django_db
def test_hits_are_counted_per_key_and_window(rates):
    rates(mfa__totp="3/1m")
    results = [ratelimit.hit("k", "mfa.totp", now=1000) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after == 20  # window [960, 1020)
    assert ratelimit.hit("other", "mfa.totp", now=1000).count == 1
    assert ratelimit.hit("k", "mfa.delete_password", now=1000).count == 1  # rates apart
    assert ratelimit.peek("k", "mfa.totp", now=1019).count == 4
    assert ratelimit.hit("k", "mfa.totp", now=1020).count == 1  # a new window
    assert RateLimitCounter.objects.filter(key="mfa.totp:k").count() == 1  # one row per key


@pytest.mark.django_db
def test_a_hit_is_one_statement_that_keeps_the_rows_fields(rates):
    from django.test.utils import CaptureQueriesContext

    rates(mfa__totp="3/1m")
    for expected in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            assert ratelimit.hit("one", "mfa.totp", now=1000).count == expected
        assert len(queries) == 1, queries.captured_queries
    row = RateLimitCounter.objects.get(key="mfa.totp:one")
    assert row.last_hit_at == datetime.fromtimestamp(1000, tz=UTC)
    assert row.expires_at == datetime.fromtimestamp(1020, tz=UTC)
    assert row.locked_until is None


@pytest.mark.django_db
def test_cache_backend_counts_too(rates):
    rates(directory__autocomplete="2/1m")
    counts = [ratelimit.hit("c", "directory.autocomplete", backend="cache").count for _ in range(3)]
    assert counts == [1, 2, 3]


@pytest.mark.django_db
def test_expired_counters_are_purged_locks_kept():
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    ratelimit.hit("old", "mfa.totp", now=now - timedelta(hours=1))
    ratelimit.hit("new", "mfa.totp", now=now)
    RateLimitCounter.objects.create(
        key="login.account:user:1", expires_at=now - timedelta(1), locked_until=now + timedelta(1)
    )
    assert ratelimit.purge(now=now) == 1
    assert ratelimit.peek("new", "mfa.totp", now=now).count == 1
    assert RateLimitCounter.objects.filter(key="login.account:user:1").exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_never_lost_and_each_sees_its_own_count():
    errors, seen = [], []

    def worker():
        try:
            for _ in range(25):
                seen.append(ratelimit.hit("race", "registration.submit", now=7200).count)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert RateLimitCounter.objects.get().count == 100
    assert sorted(seen) == list(range(1, 101))  # every hit read its own, exact count


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_take_the_lock_exactly_once(rates):
    rates(login__account="10/24h")
    policy = Lockout("login.account", delay_after=1000)
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    errors, locks = [], []

    def worker():
        try:
            for _ in range(5):
                locks.append(ratelimit.record_failure("user:9", policy, now=now))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert locks.count(True) == 2  # failures 10 and 20: one lock each, never two at once
    assert ratelimit.check("user:9", policy, now=now).locked


@pytest.mark.django_db
def test_failures_delay_then_lock_then_are_forgotten_after_the_period(rates):
    rates(login__account="4/1h")
    policy = Lockout(
        "login.account", delay_after=2, delay_seconds=2, delay_max_seconds=60, lock_seconds=600
    )
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert not ratelimit.record_failure("user:1", policy, now=now)
    assert ratelimit.check("user:1", policy, now=now) is None
    assert not ratelimit.record_failure("user:1", policy, now=now)
    assert ratelimit.check("user:1", policy, now=now).retry_after == 2
    assert not ratelimit.record_failure("user:1", policy, now=now)
    assert ratelimit.check("user:1", policy, now=now).retry_after == 4
    assert ratelimit.record_failure("user:1", policy, now=now)  # the 4th locks
    refusal = ratelimit.check("user:1", policy, now=now)
    assert refusal.locked and refusal.retry_after == 600
    assert "temporairement verrouillé" in refusal.message()
    later = now + timedelta(minutes=11)
    assert ratelimit.check("user:1", policy, now=later) is None
    ratelimit.record_failure("user:2", policy, now=now)
    ratelimit.record_failure("user:2", policy, now=now)
    assert ratelimit.record_failure("user:2", policy, now=now + timedelta(hours=2)) is False
    assert ratelimit.check("user:2", policy, now=now + timedelta(hours=2)) is None  # forgotten


@pytest.mark.django_db
def test_decorator_answers_429_in_french_and_audits_once(rates):
    rates(password_reset__ip="2/1h")

    @ratelimit.limit("password_reset.ip")
    def view(request):
        return HttpResponse("ok")

    factory = RequestFactory()
    statuses = []
    for _ in range(4):
        request = factory.post("/", REMOTE_ADDR="203.0.113.9")
        request.user = None
        statuses.append(view(request))
    assert [r.status_code for r in statuses] == [200, 200, 429, 429]
    assert "Trop de tentatives" in statuses[2].content.decode()
    assert int(statuses[2]["Retry-After"]) > 0
    event = AuditEvent.objects.get(action=AuditAction.RATE_LIMITED)
    assert event.context["scope"] == "password_reset.ip" and event.context["limit"] == 2
    other_ip = factory.post("/", REMOTE_ADDR="203.0.113.10")
    other_ip.user = None
    assert view(other_ip).status_code == 200
    assert view(factory.get("/", REMOTE_ADDR="203.0.113.9")).status_code == 200


@pytest.mark.django_db
def test_first_use_is_true_once_per_key():
    assert ratelimit.first_use("jti:a", remember_seconds=60, now=1000) is True
    assert ratelimit.first_use("jti:a", remember_seconds=60, now=1001) is False
    assert ratelimit.first_use("jti:b", remember_seconds=60, now=1001) is True
