"""OIDC Core §3.1.2 (authorization endpoint) and OAuth 2.0 Multiple Response Types
(response_mode), from Authlib's client."""

import pytest

from kiosque.oidc.tests.conformance.helpers import (
    authorization_url,
    query_of,
    relying_party,
    token_for,
)
from kiosque.oidc.tests.conftest import REDIRECT_URI

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    return provider, client, secret, signed_in(user)


def _claims(token) -> dict:
    import base64
    import json

    payload = token["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_3_1_2_1_redirect_uri_is_required(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret, redirect_uri=None)
    url, _ = authorization_url(rp, provider)
    assert "redirect_uri" not in url
    response = browser.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_3_1_2_1_post_is_supported(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    url, verifier = authorization_url(rp, provider)
    endpoint, _, query = url.partition("?")
    response = browser.post(
        endpoint,
        data=query,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=10,
    )
    params = query_of(response)
    assert params["state"] == rp.state
    assert params["iss"] == provider
    token = rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=response.headers["Location"],
        code_verifier=verifier,
    )
    assert token["id_token"]


def test_3_1_2_1_post_that_is_not_form_encoded_is_refused(setup):
    provider, client, secret, browser = setup
    response = browser.post(
        f"{provider}/oidc/authorize/", json={"client_id": "x"}, allow_redirects=False, timeout=10
    )
    assert response.status_code in (400, 415)
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("parameter", "error"),
    [("request", "request_not_supported"), ("request_uri", "request_uri_not_supported")],
)
def test_6_request_objects_are_refused(setup, parameter, error):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, **{parameter: "eyJhbGciOiJub25lIn0.e30."})
    params = query_of(browser.get(url, allow_redirects=False, timeout=10))
    assert params["error"] == error
    assert params["iss"] == provider


@pytest.mark.parametrize("mode", ["fragment", "jwt", "form_post", "query.jwt"])
def test_response_modes_not_advertised_are_refused(setup, mode):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, response_mode=mode)
    params = query_of(browser.get(url, allow_redirects=False, timeout=10))
    assert params["error"] == "invalid_request"
    assert "code" not in params


def test_response_mode_query_is_honoured(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, response_mode="query")
    assert "code" in query_of(browser.get(url, allow_redirects=False, timeout=10))


def test_3_1_2_1_acr_values_above_the_session_give_no_token(setup):
    provider, client, secret, browser = setup  # signed in with password + TOTP
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, acr_values="eidas1")
    response = browser.get(url, allow_redirects=False, timeout=10)
    # Step-up (Pro Santé Connect here, which the page explains), never a code.
    assert response.headers["Location"] == "/connexion/authentification-renforcee/"
    url, _ = authorization_url(rp, provider, acr_values="eidas1", prompt="none")
    assert query_of(browser.get(url, allow_redirects=False, timeout=10))["error"] == (
        "login_required"
    )


def test_3_1_2_1_acr_values_met_by_the_session(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    token = token_for(rp, provider, browser, acr_values="eidas1 urn:kiosque:loa:totp")
    assert _claims(token)["acr"] == "urn:kiosque:loa:totp"
    assert _claims(token)["amr"] == ["pwd", "otp", "mfa"]
    token = token_for(rp, provider, browser, acr_values="urn:kiosque:loa:mail")
    assert _claims(token)["acr"] == "urn:kiosque:loa:totp"  # more than asked, never less
    # The values of the time before one acr per level are still understood.
    token = token_for(rp, provider, browser, acr_values="eidas1 urn:kiosque:mfa")
    assert _claims(token)["acr"] == "urn:kiosque:loa:totp"


def test_3_1_2_1_unknown_acr_values_are_ignored(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    token = token_for(rp, provider, browser, acr_values="1 2")
    assert _claims(token)["acr"] == "urn:kiosque:loa:totp"


def test_password_only_session_does_not_meet_mfa(
    provider, make_user, make_client, grant, signed_in
):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    browser = signed_in(user, methods=("password",))
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, acr_values="urn:kiosque:mfa")
    response = browser.get(url, allow_redirects=False, timeout=10)
    assert response.headers["Location"] == "/connexion/authentification-renforcee/"
    url, _ = authorization_url(rp, provider, acr_values="urn:kiosque:mfa", prompt="none")
    assert query_of(browser.get(url, allow_redirects=False, timeout=10))["error"] == (
        "login_required"
    )


def test_3_1_2_1_prompt_consent_is_implied_by_the_access_grant(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    assert token_for(rp, provider, browser, prompt="consent")["id_token"]


def test_3_1_2_1_prompt_select_account_shows_the_sign_in(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, prompt="select_account")
    response = browser.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/connexion/")
    assert "select_account" not in location  # signing in satisfies it
    # Coming back without signing in again gives no code.
    again = browser.get(url.replace("select_account", "consent"), allow_redirects=False)
    assert again.headers["Location"].startswith("/connexion/")


def test_3_1_2_1_prompt_none_with_another_value_is_invalid_request(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, prompt="none select_account")
    params = query_of(browser.get(url, allow_redirects=False, timeout=10))
    assert params["error"] == "invalid_request"
    assert params["iss"] == provider


def test_unregistered_redirect_uri_is_never_followed_even_by_post(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret, redirect_uri="https://evil.example/cb")
    url, _ = authorization_url(rp, provider)
    endpoint, _, query = url.partition("?")
    response = browser.post(
        endpoint,
        data=query,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 400
    assert REDIRECT_URI not in response.headers.get("Location", "")
