"""Redis stopped (issue 10, item 4): sign-in still works, brute-force limits still hold (they live
in the database), /readyz reports the degraded cache. Runs on a throwaway Redis of our own."""

import pytest
from django.test import Client, override_settings

from tests.resilience.actors import PASSWORD


@pytest.fixture
def redis_cache(throwaway_redis, settings):
    """The Django cache on the throwaway Redis, as production configures it."""
    settings.REDIS_URL = throwaway_redis.url(1)
    caches = {
        **settings.CACHES,  # the template fragments' alias stays as it is
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": throwaway_redis.url(1),
            "KEY_PREFIX": "kiosque-test",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    with override_settings(CACHES=caches):
        yield throwaway_redis
    throwaway_redis.start()


@pytest.mark.django_db
def test_readyz_reports_the_degraded_cache_then_recovers(redis_cache):
    client = Client()
    assert client.get("/readyz").json()["status"] == "ok"
    redis_cache.stop()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {
        "status": "degraded",
        "backend": "redis",
        "error": body["checks"]["cache"]["error"],
    }
    assert body["checks"]["database"]["status"] == "ok"
    redis_cache.start()
    assert client.get("/readyz").json()["status"] == "ok"


@pytest.mark.django_db
def test_sign_in_and_lockout_work_without_redis(redis_cache, make_user, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_RATE_LIMITS = {"login.account": "5/24h"}
    redis_cache.stop()
    user = make_user()
    signed_in = Client(REMOTE_ADDR="10.4.0.1").post(
        "/connexion/", {"username": user.username, "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in.url == "/applications/"

    victim = make_user()
    for attempt in range(5):
        wrong = Client(REMOTE_ADDR=f"10.4.1.{attempt + 1}").post(
            "/connexion/", {"username": victim.username, "password": "Mauvais-Secret-1!"}
        )
        assert wrong.status_code in (200, 429)
    locked = Client(REMOTE_ADDR="10.4.2.1").post(
        "/connexion/", {"username": victim.username, "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert "temporairement verrouillé" in locked.content.decode()


@pytest.mark.django_db
def test_cache_backed_limits_fall_back_to_the_database(redis_cache, settings):
    """The autocomplete limit counts in Redis; without Redis the database keeps it."""
    from kiosque.core import ratelimit

    settings.KIOSQUE_RATE_LIMITS = {"directory.autocomplete": "2/1m"}
    redis_cache.stop()
    client = Client(REMOTE_ADDR="10.4.3.1")
    response = client.get("/annuaire/etablissements/", {"q": "dreux"})
    assert response.status_code == 200
    for _ in range(3):
        hit = ratelimit.hit("resilience:redis-down", "directory.autocomplete", backend="cache")
    assert not hit.allowed and hit.count == 3
