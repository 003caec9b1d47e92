"""Token introspection (RFC 7662) and revocation (RFC 7009) for resource servers."""

import pytest
import requests

from kiosque.oidc.models import Subject

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issued(provider, make_user, make_client, grant, signed_in, code_flow):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    tokens = code_flow(signed_in(user), client, secret, scope="openid profile")
    return provider, client, (client.client_id, secret), user, tokens


def _introspect(provider, auth, token):
    return requests.post(
        f"{provider}/oidc/introspect/", data={"token": token}, auth=auth, timeout=5
    )


def test_active_access_token_is_described(issued):
    provider, client, auth, user, tokens = issued
    reply = _introspect(provider, auth, tokens["access_token"])
    assert reply.status_code == 200
    data = reply.json()
    assert data["active"] is True
    assert data["client_id"] == client.client_id
    assert data["sub"] == str(Subject.objects.get(user=user).sub)
    assert data["scope"] == "openid profile"
    assert data["exp"] > data["iat"]
    assert "username" not in data


def test_unknown_token_is_inactive(issued):
    provider, _client, auth, _user, _tokens = issued
    assert _introspect(provider, auth, "nope").json() == {"active": False}


def test_introspection_needs_client_authentication(issued):
    provider, _client, _auth, _user, tokens = issued
    reply = _introspect(provider, None, tokens["access_token"])
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"


def test_other_client_cannot_introspect_unless_resource_server(issued, make_client):
    provider, _client, _auth, _user, tokens = issued
    other, other_secret = make_client()
    other_auth = (other.client_id, other_secret)
    assert _introspect(provider, other_auth, tokens["access_token"]).json() == {"active": False}
    other.may_introspect_all = True
    other.save()
    assert _introspect(provider, other_auth, tokens["access_token"]).json()["active"] is True


def test_revocation_kills_access_and_refresh_tokens(issued):
    provider, _client, auth, _user, tokens = issued
    reply = requests.post(
        f"{provider}/oidc/revoke/",
        data={"token": tokens["refresh_token"], "token_type_hint": "refresh_token"},
        auth=auth,
        timeout=5,
    )
    assert reply.status_code == 200
    assert _introspect(provider, auth, tokens["access_token"]).json() == {"active": False}
    assert _introspect(provider, auth, tokens["refresh_token"]).json() == {"active": False}
    userinfo = requests.get(
        f"{provider}/oidc/userinfo/",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=5,
    )
    assert userinfo.status_code == 401


def test_locked_user_token_becomes_inactive(issued):
    provider, _client, auth, user, tokens = issued
    user.is_active = False
    user.save()
    assert _introspect(provider, auth, tokens["access_token"]).json() == {"active": False}
