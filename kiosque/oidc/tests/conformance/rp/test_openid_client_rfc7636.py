"""RFC 7636 (PKCE), with the S256 challenge openid-client computes."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def public(register, session):
    rp = register(auth="none")
    _user, cookie = session(rp)
    return rp, cookie


def test_4_6_s256_verifier_is_accepted(openid_client, public):
    rp, cookie = public
    answer = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)
    assert answer["tokens"]["access_token"]


def test_4_6_wrong_verifier_is_invalid_grant(openid_client, public):
    rp, cookie = public
    answer = openid_client.ok("authorize", rp=rp.as_json(), cookie=cookie)
    error = openid_client.refused(
        "callback",
        rp=rp.as_json(),
        location=answer["location"],
        checks=answer["checks"],
        verifier="x" * 43,
    )
    assert error["error"] == "invalid_grant"


def test_4_5_missing_verifier_is_refused(openid_client, register, session):
    rp = register()  # confidential: the verifier is what binds the code, not the secret
    _user, cookie = session(rp)
    answer = openid_client.ok("authorize", rp=rp.as_json(), cookie=cookie)
    error = openid_client.refused(
        "callback",
        rp=rp.as_json(),
        location=answer["location"],
        checks=answer["checks"],
        verifier=None,
    )
    # RFC 6749 §5.2: a missing parameter is invalid_request (invalid_grant: accepted too).
    assert error["error"] in {"invalid_request", "invalid_grant"}


def test_4_4_1_public_client_without_challenge_is_invalid_request(openid_client, public):
    rp, cookie = public
    error = openid_client.refused("code_flow", rp=rp.as_json(), cookie=cookie, pkce=False)
    assert error["error"] == "invalid_request"


def test_4_3_plain_method_is_refused(openid_client, public):
    rp, cookie = public
    answer = openid_client.ok(
        "authorize", rp=rp.as_json(), cookie=cookie, params={"code_challenge_method": "plain"}
    )
    assert "error=invalid_request" in answer["location"]
