"""RFC 6749 (OAuth 2.0): the authorization and token endpoints, through openid-client."""

import base64
from urllib.parse import urlencode

import pytest

from kiosque.oidc.tests.conformance.rp.conftest import exchange_to, header

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def confidential(register, session):
    rp = register()
    _user, cookie = session(rp)
    return rp, cookie


def _flow(openid_client, rp, cookie, **request):
    return openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie, **request)


def test_4_1_2_state_is_returned_unchanged(openid_client, confidential):
    rp, cookie = confidential
    answer = _flow(openid_client, rp, cookie)
    assert f"state={answer['checks']['expectedState']}" in answer["callback"]


def test_4_1_2_1_unregistered_redirect_uri_is_never_followed(openid_client, confidential):
    rp, cookie = confidential
    answer = openid_client.ok(
        "authorize",
        rp=rp.as_json(),
        cookie=cookie,
        params={"redirect_uri": "http://127.0.0.1:8765/elsewhere"},
    )
    assert answer["status"] == 400
    assert not answer["location"]


def test_3_3_unknown_scope_is_invalid_scope(openid_client, confidential):
    rp, cookie = confidential
    error = openid_client.refused(
        "code_flow", rp=rp.as_json(), cookie=cookie, params={"scope": "openid no-such-scope"}
    )
    assert error["error"] == "invalid_scope"


def test_5_1_token_response_is_bearer_with_expiry_and_not_cached(openid_client, confidential):
    rp, cookie = confidential
    answer = _flow(openid_client, rp, cookie)
    tokens = answer["tokens"]
    assert tokens["access_token"]
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["expires_in"] > 0
    exchange = exchange_to(answer, "/oidc/token/")
    assert "no-store" in header(exchange, "cache-control")  # §5.1 MUST
    assert header(exchange, "pragma") == "no-cache"  # §5.1 MUST


def test_4_1_3_code_of_another_client_is_invalid_grant(openid_client, register, session):
    first, second = register(), register()
    _user, cookie = session(first, second)
    answer = openid_client.ok("authorize", rp=first.as_json(), cookie=cookie)
    error = openid_client.refused(
        "callback", rp=second.as_json(), location=answer["location"], checks=answer["checks"]
    )
    assert error["error"] == "invalid_grant"


def test_5_2_wrong_secret_is_401_invalid_client(openid_client, confidential):
    rp, cookie = confidential
    rp.client_secret = "not-the-secret"
    error = openid_client.refused("code_flow", rp=rp.as_json(), cookie=cookie)
    assert exchange_to(error, "/oidc/token/")["status"] == 401
    # Reported in the body or in the WWW-Authenticate challenge (scheme: see
    # test_rfc6749_5_2_challenge_matches_the_basic_scheme_used below).
    codes = {error.get("error")} | {
        c["parameters"].get("error") for c in error.get("challenges", [])
    }
    assert "invalid_client" in codes


def test_5_2_unknown_code_is_invalid_grant(openid_client, confidential):
    rp, cookie = confidential
    answer = openid_client.ok("authorize", rp=rp.as_json(), cookie=cookie)
    forged = answer["location"].replace("code=", "code=x", 1)
    error = openid_client.refused(
        "callback", rp=rp.as_json(), location=forged, checks=answer["checks"]
    )
    assert error["error"] == "invalid_grant"
    assert error["status"] == 400


def test_5_2_unsupported_grant_type(openid_client, confidential, provider):
    rp, _cookie = confidential
    basic = base64.b64encode(f"{rp.client_id}:{rp.client_secret}".encode()).decode()
    answer = openid_client.ok(
        "http",
        url=f"{provider}/oidc/token/",
        method="POST",
        headers={
            "authorization": f"Basic {basic}",
            "content-type": "application/x-www-form-urlencoded",
        },
        body="grant_type=password&username=a&password=b",
    )
    assert answer["status"] == 400
    assert '"unsupported_grant_type"' in answer["body"]


def test_6_refresh_gives_a_new_access_token(openid_client, confidential):
    rp, cookie = confidential
    first = _flow(openid_client, rp, cookie)["tokens"]
    refreshed = openid_client.ok("refresh", rp=rp.as_json(), refresh_token=first["refresh_token"])[
        "tokens"
    ]
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["token_type"].lower() == "bearer"


def test_6_refresh_token_of_another_client_is_invalid_grant(openid_client, register, session):
    first, second = register(), register()
    _user, cookie = session(first, second)
    tokens = _flow(openid_client, first, cookie)["tokens"]
    error = openid_client.refused(
        "refresh", rp=second.as_json(), refresh_token=tokens["refresh_token"]
    )
    assert error["error"] == "invalid_grant"


def _raw_authorize(openid_client, provider, rp, cookie, query):
    return openid_client.ok(
        "http", url=f"{provider}/oidc/authorize/?{query}", headers={"cookie": cookie}
    )


def _query(rp, **extra):
    params = {
        "response_type": "code",
        "client_id": rp.client_id,
        "redirect_uri": rp.redirect_uri,
        "scope": "openid",
        "state": "s",
        "nonce": "n",
        "code_challenge": "a" * 43,
        "code_challenge_method": "S256",
        **extra,
    }
    return urlencode(params)


def test_3_1_a_repeated_parameter_is_refused(openid_client, confidential, provider):
    rp, cookie = confidential
    for repeated in ("scope=openid%20email", "state=t", "redirect_uri=x"):
        answer = _raw_authorize(openid_client, provider, rp, cookie, f"{_query(rp)}&{repeated}")
        location = answer["headers"].get("location", "")
        assert "code=" not in location, repeated
        assert answer["status"] == 400 or "error=invalid_request" in location, repeated


def test_3_1_a_parameter_without_value_is_as_if_omitted(openid_client, confidential, provider):
    rp, cookie = confidential
    answer = _raw_authorize(openid_client, provider, rp, cookie, _query(rp, prompt=""))
    assert "code=" in answer["headers"]["location"]


def test_2_3_1_basic_credentials_are_form_encoded(openid_client, register, session):
    # openid-client form-encodes client_id and secret before Base64 (RFC 6749 §2.3.1).
    rp = register(secret="a+b c/é%:x")
    _user, cookie = session(rp)
    assert openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]["id_token"]


def test_5_2_missing_code_is_invalid_request(openid_client, confidential, provider):
    rp, _cookie = confidential
    basic = base64.b64encode(f"{rp.client_id}:{rp.client_secret}".encode()).decode()
    answer = openid_client.ok(
        "http",
        url=f"{provider}/oidc/token/",
        method="POST",
        headers={
            "authorization": f"Basic {basic}",
            "content-type": "application/x-www-form-urlencoded",
        },
        body=f"grant_type=authorization_code&redirect_uri={rp.redirect_uri}",
    )
    assert answer["status"] == 400
    assert '"invalid_request"' in answer["body"]


def test_rfc6749_5_2_challenge_matches_the_basic_scheme_used(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    rp.client_secret = "not-the-secret"
    error = openid_client.refused("code_flow", rp=rp.as_json(), cookie=cookie)
    exchange = exchange_to(error, "/oidc/token/")
    assert exchange["status"] == 401
    assert header(exchange, "www-authenticate").lower().startswith("basic")


def test_rfc6749_4_1_2_1_response_type_not_offered_is_unsupported_response_type(
    openid_client, register, session
):
    rp = register()
    _user, cookie = session(rp)
    answer = openid_client.ok(
        "authorize", rp=rp.as_json(), cookie=cookie, params={"response_type": "token"}
    )
    assert answer["location"].startswith(rp.redirect_uri)
    assert "error=unsupported_response_type" in answer["location"]
