"""The client registry (registry.py): clients served from the cache, and every change that
matters seen by the very next request."""

import base64
import io

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client as DjangoClient

from kiosque.oidc.flows import clients
from kiosque.oidc.models import Client
from kiosque.oidc.tests.conftest import REDIRECT_URI, in_process_code

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    settings.KIOSQUE_BASE_URL = "http://testserver"


def basic(client_id: str, secret: str) -> dict:
    encoded = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {encoded}"}


def client_credentials(client_id: str, secret: str) -> int:
    grant = {"grant_type": "client_credentials", "scope": "openid"}
    return DjangoClient().post("/oidc/token/", grant, **basic(client_id, secret)).status_code


@pytest.fixture
def machine(make_client):
    """A client_credentials client, already served from the registry."""
    client, secret = make_client(grant_types=["client_credentials"])
    assert client_credentials(client.client_id, secret) == 200
    return client, secret


def exchange(client: Client, secret: str, code: str):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    return DjangoClient().post("/oidc/token/", data, **basic(client.client_id, secret))


def test_a_served_client_is_not_read_again(machine, django_assert_num_queries):
    client, secret = machine
    with django_assert_num_queries(2) as captured:  # the token and the audit event
        assert client_credentials(client.client_id, secret) == 200
    assert not any('"oidc_client"' in q["sql"] for q in captured.captured_queries)


def test_a_rotated_secret_is_refused_at_once(machine):
    client, old_secret = machine
    out = io.StringIO()
    call_command("rotate_oidc_client_secret", client.client_id, stdout=out)
    new_secret = out.getvalue().split("secret : ")[1].split()[0]
    assert client_credentials(client.client_id, old_secret) == 401
    assert client_credentials(client.client_id, new_secret) == 200


def test_a_deleted_client_is_refused_at_once(machine):
    client, secret = machine
    client.delete()
    assert client_credentials(client.client_id, secret) == 401


def test_a_deleted_application_takes_its_client_away_at_once(machine):
    client, secret = machine
    client.application.delete()
    assert client_credentials(client.client_id, secret) == 401


def test_a_deactivated_application_gets_no_token_from_its_code(make_client, make_user, grant):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    assert exchange(client, secret, in_process_code(client, user)).status_code == 200
    code = in_process_code(client, user)  # the client is served from the registry
    client.application.is_active = False
    client.application.save()
    response = exchange(client, secret, code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_deactivated_application_gets_no_client_credentials_token(machine):
    client, secret = machine
    client.application.is_active = False
    client.application.save()
    assert client_credentials(client.client_id, secret) == 400


def test_new_redirect_uris_are_seen_at_once(make_client, make_user, grant):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    in_process_code(client, user)  # the client is served from the registry
    clients.set_addresses(client, redirect_uris=["https://elsewhere.example.org/callback"])
    browser = DjangoClient()
    browser.force_login(user)
    params = {"response_type": "code", "client_id": client.client_id, "redirect_uri": REDIRECT_URI,
              "scope": "openid", "state": "s", "nonce": "n"}  # fmt: skip
    assert browser.get("/oidc/authorize/", params).status_code == 400


def test_a_legacy_secret_is_rehashed_at_first_use_and_then_served(
    make_client, django_assert_num_queries
):
    client, _secret = make_client(grant_types=["client_credentials"])
    Client.objects.filter(pk=client.pk).update(
        client_secret_hash="", legacy_secret_hash=make_password("old-toolkit-secret")
    )
    assert client_credentials(client.client_id, "old-toolkit-secret") == 200
    client.refresh_from_db()
    assert client.legacy_secret_hash == "" and client.client_secret_hash
    assert client_credentials(client.client_id, "old-toolkit-secret") == 200
    with django_assert_num_queries(2):
        assert client_credentials(client.client_id, "old-toolkit-secret") == 200
    assert client_credentials(client.client_id, "wrong") == 401


def test_an_unreachable_cache_falls_back_to_the_database(machine, settings):
    client, secret = machine
    settings.CACHES = {**settings.CACHES, **UNREACHABLE_REDIS}  # the fragments' alias stays
    assert client_credentials(client.client_id, secret) == 200
    out = io.StringIO()
    call_command("rotate_oidc_client_secret", client.client_id, stdout=out)
    assert client_credentials(client.client_id, secret) == 401


def test_no_cache_when_its_lifetime_is_zero(machine, settings, django_assert_num_queries):
    client, secret = machine
    settings.KIOSQUE_OIDC_CLIENT_CACHE_SECONDS = 0
    with django_assert_num_queries(3):  # the client, the token, the audit event
        assert client_credentials(client.client_id, secret) == 200
