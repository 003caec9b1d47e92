"""What the token endpoint writes to the audit log (one event per request that matters)."""

import base64

import pytest
from django.test import Client as DjangoClient

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.oidc.models import Client
from kiosque.oidc.tests.conftest import token_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    return provider, client, secret, user, signed_in(user)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_code_and_refresh_issuance_and_refresh_replay(setup, code_flow):
    provider, client, secret, user, browser = setup
    tokens = code_flow(browser, client, secret)
    [issued] = _events(AuditAction.TOKEN_ISSUED)
    assert issued.actor == user
    assert issued.context["grant_type"] == "authorization_code"
    assert issued.context["sid"]
    assert issued.ip_address == "127.0.0.1"
    auth = (client.client_id, secret)
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    assert token_request(provider, refresh, auth=auth).status_code == 200
    assert [e.context["grant_type"] for e in _events(AuditAction.TOKEN_ISSUED)] == [
        "authorization_code",
        "refresh_token",
    ]
    replay = token_request(provider, refresh, auth=auth)
    assert replay.json()["error"] == "invalid_grant"
    [revoked] = _events(AuditAction.TOKEN_REVOKED)
    assert revoked.context["reason"] == "refresh_token_replayed"
    assert revoked.actor == user
    assert revoked.outcome == "denied"


def test_client_credentials_issuance(make_client, settings, tmp_path):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    client, secret = make_client()
    Client.objects.filter(pk=client.pk).update(grant_types=["client_credentials"])
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    response = DjangoClient().post(
        "/oidc/token/",
        {"grant_type": "client_credentials", "scope": "openid"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200
    [issued] = _events(AuditAction.TOKEN_ISSUED)
    assert issued.actor is None
    assert issued.context["grant_type"] == "client_credentials"


def test_invalid_client_at_the_token_endpoint(setup):
    provider, client, _secret, _user, _browser = setup
    client_id = client.client_id
    reply = token_request(
        provider,
        {"grant_type": "refresh_token", "refresh_token": "x"},
        auth=(client_id, "not-the-secret"),
    )
    assert reply.status_code == 401
    [failed] = _events(AuditAction.LOGIN_FAILED)
    assert failed.context == {"reason": "invalid_client", "client_id": client_id}
    assert failed.outcome == "failure"
