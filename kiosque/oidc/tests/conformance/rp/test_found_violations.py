"""MUSTs the current provider violates, found by the openid-client suite.

Each test states the requirement and fails today (xfail, strict): when the provider core is
fixed, the test passes, strict xfail turns that into a failure, and the test moves to the
file of its specification.
"""

import time

import pytest
import requests

from kiosque.oidc.tests.conformance.rp.conftest import (
    sign_in_through_the_pages,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


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


REAUTHENTICATION = (
    "OpenID Connect Core 1.0 §3.1.2.3: with prompt=login (or max_age elapsed) the OP MUST "
    "reauthenticate the End-User even if already authenticated; Kiosque's sign-in page "
    "(GET /connexion/, session still open) sends the browser back to the authorization "
    "endpoint, which sends it to the sign-in page again: a redirect loop, never a sign-in"
)


def _signed_in_then_asked_again(openid_client, password_account, provider, params):
    rp, user = password_account()
    start = openid_client.ok("authorize", rp=rp.as_json(), cookie=None)
    callback, cookie = sign_in_through_the_pages(provider, start["location"], user)
    first = openid_client.ok("callback", rp=rp.as_json(), location=callback, checks=start["checks"])
    time.sleep(1.1)  # auth_time counts seconds
    again = openid_client.ok("authorize", rp=rp.as_json(), cookie=cookie, params=params)
    assert again["location"].startswith("/connexion/")
    browser = requests.Session()
    name, value = cookie.split("=", 1)
    browser.cookies.set(name, value)
    callback, _cookie = sign_in_through_the_pages(provider, again["location"], user, browser)
    second = openid_client.ok(
        "callback", rp=rp.as_json(), location=callback, checks=again["checks"]
    )
    return first["tokens"]["claims"], second["tokens"]["claims"]


@pytest.mark.xfail(strict=True, reason=REAUTHENTICATION)
def test_core_3_1_2_3_prompt_login_reauthenticates_a_signed_in_user(
    openid_client, password_account, provider
):
    first, second = _signed_in_then_asked_again(
        openid_client, password_account, provider, {"prompt": "login"}
    )
    assert second["auth_time"] > first["auth_time"]


@pytest.mark.xfail(strict=True, reason=REAUTHENTICATION)
def test_core_3_1_2_3_max_age_elapsed_reauthenticates_a_signed_in_user(
    openid_client, password_account, provider
):
    first, second = _signed_in_then_asked_again(
        openid_client, password_account, provider, {"max_age": "1"}
    )
    assert second["auth_time"] > first["auth_time"]
