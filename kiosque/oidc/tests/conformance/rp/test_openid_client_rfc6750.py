"""RFC 6750 (Bearer tokens) at UserInfo, through openid-client's protected-resource calls."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def tokens(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    answer = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)
    return rp, answer["tokens"]


def _challenge(error):
    assert error["status"] == 401
    (challenge,) = [c for c in error["challenges"] if c["scheme"] == "bearer"]
    return challenge["parameters"]


def test_2_1_authorization_header_is_accepted(openid_client, tokens, provider):
    rp, tokens = tokens
    answer = openid_client.ok(
        "protected_resource",
        rp=rp.as_json(),
        access_token=tokens["access_token"],
        url=f"{provider}/oidc/userinfo/",
    )
    assert answer["status"] == 200
    assert '"sub"' in answer["body"]


def test_3_1_unknown_token_is_401_invalid_token(openid_client, tokens):
    rp, _tokens = tokens
    error = openid_client.refused("userinfo", rp=rp.as_json(), access_token="not-a-token")
    assert _challenge(error)["error"] == "invalid_token"


def test_3_1_revoked_token_is_401_invalid_token(openid_client, tokens):
    rp, tokens = tokens
    openid_client.ok("revoke", rp=rp.as_json(), token=tokens["access_token"])
    error = openid_client.refused("userinfo", rp=rp.as_json(), access_token=tokens["access_token"])
    assert _challenge(error)["error"] == "invalid_token"


def test_3_no_token_is_401_with_a_bearer_challenge_without_error_code(openid_client, provider):
    answer = openid_client.ok("http", url=f"{provider}/oidc/userinfo/")
    assert answer["status"] == 401
    challenge = answer["headers"]["www-authenticate"]
    assert challenge.lower().startswith("bearer")
    assert "error=" not in challenge  # §3.1: SHOULD NOT include an error code
