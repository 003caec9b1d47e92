import threading

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.core import ratelimit
from kiosque.core.models import RateLimitCounter


@pytest.mark.django_db
def test_hits_are_counted_per_key_and_window():
    results = [ratelimit.hit("k", limit=3, window=60, now=1000) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after == 20  # window [960, 1020)
    assert ratelimit.hit("other", limit=3, window=60, now=1000).count == 1
    assert ratelimit.hit("k", limit=3, window=60, now=1020).count == 1


@pytest.mark.django_db
def test_cache_backend_counts_too():
    counts = [ratelimit.hit("c", limit=2, window=60, backend="cache").count for _ in range(3)]
    assert counts == [1, 2, 3]


@pytest.mark.django_db
def test_expired_counters_are_purged():
    ratelimit.hit("old", limit=1, window=60, now=0)
    ratelimit.hit("new", limit=1, window=60, now=10_000)
    assert ratelimit.purge_expired(now=5_000) == 1
    assert ratelimit.peek("new", window=60, now=10_000) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_never_lost():
    errors = []

    def worker():
        try:
            for _ in range(25):
                ratelimit.hit("race", limit=1000, window=3600, now=7200)
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


@pytest.mark.django_db
def test_decorator_answers_429_in_french_and_audits_once():
    @ratelimit.limit("demo", limit=2, window=3600)
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
    assert AuditEvent.objects.filter(action=AuditAction.RATE_LIMITED).count() == 1
    other_ip = factory.post("/", REMOTE_ADDR="203.0.113.10")
    other_ip.user = None
    assert view(other_ip).status_code == 200
    assert view(factory.get("/", REMOTE_ADDR="203.0.113.9")).status_code == 200


@pytest.mark.django_db
def test_first_use_is_true_once_per_key():
    assert ratelimit.first_use("jti:a", remember_seconds=60, now=1000) is True
    assert ratelimit.first_use("jti:a", remember_seconds=60, now=1001) is False
    assert ratelimit.first_use("jti:b", remember_seconds=60, now=1001) is True
