"""RFC 7662 (Token introspection), through openid-client's tokenIntrospection()."""

import base64

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def issued(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    return rp, openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]


def _introspect(openid_client, rp, token, **request):
    return openid_client.ok("introspect", rp=rp.as_json(), token=token, **request)["introspection"]


def test_2_2_active_access_token(openid_client, issued):
    rp, tokens = issued
    answer = _introspect(openid_client, rp, tokens["access_token"])
    assert answer["active"] is True
    assert answer["client_id"] == rp.client_id
    assert "openid" in answer["scope"].split()
    assert answer["exp"] > 0
    assert answer["sub"] == tokens["claims"]["sub"]


def test_2_2_active_refresh_token(openid_client, issued):
    rp, tokens = issued
    answer = _introspect(openid_client, rp, tokens["refresh_token"], hint="refresh_token")
    assert answer["active"] is True


def test_2_2_unknown_token_is_inactive_only(openid_client, issued):
    rp, _tokens = issued
    assert _introspect(openid_client, rp, "never-issued") == {"active": False}


def test_2_2_rotated_refresh_token_is_inactive(openid_client, issued):
    rp, tokens = issued
    openid_client.ok("refresh", rp=rp.as_json(), refresh_token=tokens["refresh_token"])
    assert _introspect(openid_client, rp, tokens["refresh_token"])["active"] is False


def test_2_1_caller_must_authenticate(openid_client, issued, provider):
    _rp, tokens = issued
    answer = openid_client.ok(
        "http",
        url=f"{provider}/oidc/introspect/",
        method="POST",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=f"token={tokens['access_token']}",
    )
    assert answer["status"] == 401


def test_2_1_private_key_jwt_caller(openid_client, register, session):
    rp = register(auth="private_key_jwt")
    _user, cookie = session(rp)
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    assert _introspect(openid_client, rp, tokens["access_token"])["active"] is True


def test_4_token_of_another_client_is_not_disclosed(openid_client, issued, register):
    rp, tokens = issued
    other = register()
    assert _introspect(openid_client, other, tokens["access_token"])["active"] is False


def test_2_1_token_is_required(openid_client, issued, provider):
    rp, _tokens = issued
    basic = base64.b64encode(f"{rp.client_id}:{rp.client_secret}".encode()).decode()
    answer = openid_client.ok(
        "http",
        url=f"{provider}/oidc/introspect/",
        method="POST",
        headers={
            "authorization": f"Basic {basic}",
            "content-type": "application/x-www-form-urlencoded",
        },
        body="",
    )
    assert answer["status"] == 400
    assert '"invalid_request"' in answer["body"]
