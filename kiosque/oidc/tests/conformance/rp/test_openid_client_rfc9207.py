"""RFC 9207 (`iss` in the authorization response).

Kiosque advertises authorization_response_iss_parameter_supported, so openid-client requires
`iss`, equal to the issuer, in every authorization response, success or error (§2.4), and
refuses the response otherwise: each test passing means the parameter was there and right.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


def _iss(location):
    return parse_qs(urlsplit(location).query)["iss"]


def test_2_success_response_carries_iss(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    answer = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)
    assert _iss(answer["callback"]) == [rp.issuer]


def test_2_error_response_carries_iss(openid_client, register):
    rp = register()
    error = openid_client.refused(
        "code_flow", rp=rp.as_json(), cookie=None, params={"prompt": "none"}
    )
    assert error["name"] == "AuthorizationResponseError"  # iss and state were checked first
    assert error["error"] == "login_required"


def test_2_invalid_scope_error_carries_iss(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    answer = openid_client.ok(
        "authorize", rp=rp.as_json(), cookie=cookie, params={"scope": "openid nope"}
    )
    assert _iss(answer["location"]) == [rp.issuer]
