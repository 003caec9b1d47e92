"""RFC 7009 (Token revocation), through openid-client's tokenRevocation()."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def issued(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    return rp, openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]


def _active(openid_client, rp, token):
    return openid_client.ok("introspect", rp=rp.as_json(), token=token)["introspection"]["active"]


def test_2_1_revoked_access_token_is_no_longer_accepted(openid_client, issued):
    rp, tokens = issued
    openid_client.ok("revoke", rp=rp.as_json(), token=tokens["access_token"], hint="access_token")
    assert not _active(openid_client, rp, tokens["access_token"])


def test_2_1_revoked_refresh_token_cannot_be_used(openid_client, issued):
    rp, tokens = issued
    openid_client.ok("revoke", rp=rp.as_json(), token=tokens["refresh_token"], hint="refresh_token")
    error = openid_client.refused("refresh", rp=rp.as_json(), refresh_token=tokens["refresh_token"])
    assert error["error"] == "invalid_grant"


def test_2_1_wrong_hint_still_revokes(openid_client, issued):
    # §2.1: a server unable to find the token with the hint MUST extend its search.
    rp, tokens = issued
    openid_client.ok("revoke", rp=rp.as_json(), token=tokens["access_token"], hint="refresh_token")
    assert not _active(openid_client, rp, tokens["access_token"])


def test_2_1_token_of_another_client_is_not_revoked(openid_client, issued, register):
    rp, tokens = issued
    other = register()
    answer = openid_client.call("revoke", rp=other.as_json(), token=tokens["access_token"])
    assert answer["ok"] or answer["error"].get("error")  # refused or ignored, never revoked
    assert _active(openid_client, rp, tokens["access_token"])


def test_2_1_client_authentication_is_required(openid_client, issued, provider):
    _rp, tokens = issued
    answer = openid_client.ok(
        "http",
        url=f"{provider}/oidc/revoke/",
        method="POST",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body=f"token={tokens['access_token']}",
    )
    assert answer["status"] == 401
    assert '"invalid_client"' in answer["body"]


def test_2_2_unknown_token_is_answered_200(openid_client, issued):
    rp, _tokens = issued
    # tokenRevocation() fails on anything but a 200.
    openid_client.ok("revoke", rp=rp.as_json(), token="never-issued")
