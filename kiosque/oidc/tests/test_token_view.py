"""The token endpoint's own view (kiosque.oidc.views.provider.token)."""

import base64

import pytest
from django.test import Client as DjangoClient

from kiosque.oidc import tokens
from kiosque.oidc.models import Client, Token

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_credentials(make_client, settings, tmp_path):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "oidc-keys"
    client, secret = make_client()
    Client.objects.filter(pk=client.pk).update(grant_types=["client_credentials"])
    credentials = f"{client.client_id}:{secret}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials).decode()}


def issue(auth):
    return DjangoClient().post(
        "/oidc/token/", {"grant_type": "client_credentials", "scope": "openid"}, **auth
    )


def test_the_issued_token_is_stored_as_its_keyed_hash_and_not_read_back(
    client_credentials, django_assert_num_queries
):
    issue(client_credentials)
    # the token's insert, the audit event (token issued): the client is served from the
    # client registry since the first request
    with django_assert_num_queries(2):
        response = issue(client_credentials)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    access_token = response.json()["access_token"]
    assert Token.objects.filter(access_token_hash=tokens.token_hash(access_token)).exists()
    assert not Token.objects.filter(access_token_hash=access_token).exists()
