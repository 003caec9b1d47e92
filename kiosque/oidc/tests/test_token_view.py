"""The token endpoint's own view (kiosque.oidc.views.TokenView)."""

import base64
import hashlib

import pytest
from django.test import Client as DjangoClient
from oauth2_provider.models import AccessToken
from oauth2_provider.models import Application as OAuthApplication
from oauth2_provider.signals import app_authorized

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_credentials(make_client, settings, tmp_path):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    client, secret = make_client()
    OAuthApplication.objects.filter(pk=client.oauth_application_id).update(
        authorization_grant_type=OAuthApplication.GRANT_CLIENT_CREDENTIALS
    )
    credentials = f"{client.oauth_application.client_id}:{secret}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials).decode()}


def issue(auth):
    return DjangoClient().post(
        "/oidc/token/", {"grant_type": "client_credentials", "scope": "openid"}, **auth
    )


def test_app_authorized_still_sent_to_a_connected_receiver(client_credentials):
    received = []

    def receiver(sender, request, token, **kwargs):
        received.append(token)

    app_authorized.connect(receiver)
    try:
        response = issue(client_credentials)
    finally:
        app_authorized.disconnect(receiver)

    assert response.status_code == 200
    checksum = hashlib.sha256(response.json()["access_token"].encode()).hexdigest()
    assert [token.token_checksum for token in received] == [checksum]


def test_without_receiver_the_issued_token_is_not_read_back(
    client_credentials, django_assert_num_queries
):
    issue(client_credentials)  # the secret's first verification, the dev keys
    # client (joined), savepoint, insert, release, the audit event (token issued)
    with django_assert_num_queries(5):
        response = issue(client_credentials)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    checksum = hashlib.sha256(response.json()["access_token"].encode()).hexdigest()
    assert AccessToken.objects.filter(token_checksum=checksum).exists()
