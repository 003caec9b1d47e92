"""Refresh tokens: rotation, reuse detection (the whole family is revoked), account state."""

import pytest
from django.utils import timezone

from kiosque.oidc.tests.conftest import token_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issued(provider, make_user, make_client, grant, signed_in, code_flow):
    client, secret = make_client()
    user = make_user()
    access = grant(user, client)
    tokens = code_flow(signed_in(user), client, secret)
    auth = (client.client_id, secret)
    return provider, auth, user, access, tokens


def _refresh(provider, auth, refresh_token):
    return token_request(
        provider, {"grant_type": "refresh_token", "refresh_token": refresh_token}, auth=auth
    )


def test_refresh_rotates_and_keeps_the_sign_in_context(issued):
    provider, auth, _user, _access, tokens = issued
    reply = _refresh(provider, auth, tokens["refresh_token"])
    assert reply.status_code == 200
    fresh = reply.json()
    assert fresh["refresh_token"] != tokens["refresh_token"]
    assert fresh["access_token"] != tokens["access_token"]
    assert _refresh(provider, auth, fresh["refresh_token"]).status_code == 200


def test_reused_refresh_token_revokes_the_family(issued):
    provider, auth, _user, _access, tokens = issued
    fresh = _refresh(provider, auth, tokens["refresh_token"]).json()
    replay = _refresh(provider, auth, tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    # The legitimate holder's newer token is dead too.
    assert _refresh(provider, auth, fresh["refresh_token"]).json()["error"] == "invalid_grant"


def test_deactivated_user_cannot_refresh(issued):
    provider, auth, user, _access, tokens = issued
    user.is_active = False
    user.save()
    assert _refresh(provider, auth, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoked_access_stops_refresh(issued):
    provider, auth, _user, access, tokens = issued
    access.revoked_at = timezone.now()
    access.save()
    assert _refresh(provider, auth, tokens["refresh_token"]).json()["error"] == "invalid_grant"
