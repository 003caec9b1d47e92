"""MUSTs the current provider violates, found by the openid-client suite.

Each test states the requirement and fails today (xfail, strict): when the provider core is
fixed, the test passes, strict xfail turns that into a failure, and the test moves to the
file of its specification.
"""

import pytest

from kiosque.oidc.tests.conformance.rp.conftest import exchange_to, header

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "RFC 6749 §5.2 (invalid_client): a client that authenticated with the Authorization "
        "header MUST get a 401 whose WWW-Authenticate matches the scheme it used (Basic); "
        'Kiosque\'s token endpoint answers WWW-Authenticate: Bearer error="invalid_client"'
    ),
)
def test_rfc6749_5_2_challenge_matches_the_basic_scheme_used(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    rp.client_secret = "not-the-secret"
    error = openid_client.refused("code_flow", rp=rp.as_json(), cookie=cookie)
    exchange = exchange_to(error, "/oidc/token/")
    assert exchange["status"] == 401
    assert header(exchange, "www-authenticate").lower().startswith("basic")


@pytest.mark.xfail(
    strict=True,
    reason=(
        "RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6: a response_type the server does not offer "
        "(token; response_types_supported is [code]) is unsupported_response_type; Kiosque "
        "answers unauthorized_client, the code for a client not allowed a type the server has"
    ),
)
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


@pytest.mark.xfail(
    strict=True,
    reason=(
        "OpenID Connect RP-Initiated Logout 1.0 §2: OPs MUST support HTTP GET and POST at the "
        "Logout Endpoint (form serialization); a POSTed logout request of an application "
        "(id_token_hint, post_logout_redirect_uri, state) gets 403 from Kiosque (CSRF check)"
    ),
)
def test_rp_initiated_logout_2_post_is_supported(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    answer = openid_client.ok(
        "end_session",
        rp=rp.as_json(),
        cookie=cookie,
        method="POST",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": rp.post_logout_redirect_uri,
            "state": "s",
        },
    )
    assert answer["status"] == 302, (answer["status"], answer["body"][:300])
    assert answer["location"] == f"{rp.post_logout_redirect_uri}?state=s"
