import json

import pytest

from kiosque.testing.processes import clean_env, http_get, run_kiosque, serving


@pytest.mark.django_db
def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_database_and_cache(client, settings):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    expected_cache = "redis" if settings.REDIS_URL else "local"
    assert body["checks"]["cache"]["backend"] == expected_cache


@pytest.mark.slow
def test_readyz_fails_with_503_when_the_database_is_unreachable(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/kiosque")
    with serving(env, tmp_path / "serve.log") as (base, _process):
        status, _headers, body = http_get(base + "/readyz")
        assert status == 503
        payload = json.loads(body)
        assert payload["status"] == "fail"
        assert payload["checks"]["database"]["status"] == "fail"
        assert http_get(base + "/healthz")[0] == 200


@pytest.mark.slow
def test_readyz_reports_a_degraded_cache_when_redis_is_down(tmp_path):
    env = clean_env(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    assert run_kiosque("migrate", "--no-input", env=env).returncode == 0
    with serving(env, tmp_path / "serve.log") as (base, _process):
        status, _headers, body = http_get(base + "/readyz")
        payload = json.loads(body)
        assert status == 200
        assert payload["status"] == "degraded"
        assert payload["checks"]["cache"]["status"] == "degraded"


@pytest.mark.slow
def test_database_outage_shows_a_french_503_page_without_stack_trace(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/kiosque")
    with serving(env, tmp_path / "serve.log") as (base, _process):
        # The establishment search reads the database on every call.
        status, headers, body = http_get(base + "/annuaire/etablissements/?q=tours")
        assert status == 503
        assert "Service momentanément indisponible" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert headers["Retry-After"] == "30"
