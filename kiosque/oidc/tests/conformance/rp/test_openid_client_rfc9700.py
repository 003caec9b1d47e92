"""RFC 9700 (OAuth 2.0 Security Best Current Practice), what applies to Kiosque's profile."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def confidential(register, session):
    rp = register()
    _user, cookie = session(rp)
    return rp, cookie


def _active(openid_client, rp, token):
    return openid_client.ok("introspect", rp=rp.as_json(), token=token)["introspection"]["active"]


def test_2_1_1_public_clients_must_use_pkce(openid_client, register, session):
    rp = register(auth="none")
    _user, cookie = session(rp)
    error = openid_client.refused("code_flow", rp=rp.as_json(), cookie=cookie, pkce=False)
    assert error["error"] == "invalid_request"


def test_2_1_1_pkce_downgrade_is_refused(openid_client, confidential):
    # A code issued without a challenge, redeemed with a verifier (§4.8.2).
    rp, cookie = confidential
    answer = openid_client.ok("authorize", rp=rp.as_json(), cookie=cookie, pkce=False)
    error = openid_client.refused(
        "callback",
        rp=rp.as_json(),
        location=answer["location"],
        checks=answer["checks"],
        verifier="a" * 43,
    )
    assert error["error"] == "invalid_grant"


def test_2_1_redirect_uri_is_compared_exactly(openid_client, confidential):
    rp, cookie = confidential
    for variant in (f"{rp.redirect_uri}/", f"{rp.redirect_uri}?x=1", rp.redirect_uri.upper()):
        answer = openid_client.ok(
            "authorize", rp=rp.as_json(), cookie=cookie, params={"redirect_uri": variant}
        )
        assert answer["status"] == 400, variant
        assert not answer["location"], variant


def test_4_2_4_code_replay_revokes_the_tokens_of_the_first_redemption(openid_client, confidential):
    rp, cookie = confidential
    first = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)
    openid_client.refused(
        "callback", rp=rp.as_json(), location=first["callback"], checks=first["checks"]
    )
    assert not _active(openid_client, rp, first["tokens"]["access_token"])


def test_4_14_2_refresh_tokens_rotate_and_a_replay_revokes_the_family(openid_client, confidential):
    rp, cookie = confidential
    first = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    second = openid_client.ok("refresh", rp=rp.as_json(), refresh_token=first["refresh_token"])[
        "tokens"
    ]
    assert second["refresh_token"] != first["refresh_token"]
    error = openid_client.refused("refresh", rp=rp.as_json(), refresh_token=first["refresh_token"])
    assert error["error"] == "invalid_grant"
    # The replay revoked the rotated token too.
    error = openid_client.refused("refresh", rp=rp.as_json(), refresh_token=second["refresh_token"])
    assert error["error"] == "invalid_grant"


def test_4_3_2_access_token_in_the_query_is_refused(openid_client, confidential, provider):
    rp, cookie = confidential
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    answer = openid_client.ok(
        "http", url=f"{provider}/oidc/userinfo/?access_token={tokens['access_token']}"
    )
    assert answer["status"] in (400, 401)
