"""Authentication levels as a relying party sees them, from Authlib's client: the ID token's
acr/amr name the means used, an application's required level and acr_values are never met
by a weaker sign-in (docs/identification-levels.md)."""

import base64
import json

import pytest

from kiosque.oidc.tests.conformance.helpers import (
    authorization_url,
    query_of,
    relying_party,
    token_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _claims(token) -> dict:
    payload = token["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _authorize(provider, rp, browser, **extra):
    url, verifier = authorization_url(rp, provider, **extra)
    return browser.get(url, allow_redirects=False, timeout=10), verifier


@pytest.mark.parametrize(
    "methods, session, acr, amr",
    [
        (("password", "mail_code"), {}, "urn:kiosque:loa:mail", ["pwd", "otp", "mfa"]),
        (("password", "totp"), {}, "urn:kiosque:loa:totp", ["pwd", "otp", "mfa"]),
        (
            ("passkey",),
            {"_kiosque_passkey_amr": "swk"},
            "urn:kiosque:loa:passkey",
            ["swk", "user", "mfa"],
        ),
        (("password", "passkey"), {}, "urn:kiosque:loa:passkey", ["pwd", "hwk", "user", "mfa"]),
        (("psc",), {"_oidc_psc_amr": ["sc"]}, "eidas1", ["sc", "mfa"]),
    ],
)
def test_acr_and_amr_name_the_means_used(
    provider, make_user, make_client, grant, signed_in, methods, session, acr, amr
):
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    client, secret = make_client()
    user = make_user()
    grant(user, client)
    browser = signed_in(user, methods=methods)
    if session:
        store = SessionStore(browser.cookies[settings.SESSION_COOKIE_NAME])
        store.update(session)
        store.save()
    claims = _claims(token_for(relying_party(client, secret), provider, browser))
    assert (claims["acr"], claims["amr"]) == (acr, amr)


@pytest.fixture
def dcc(provider, make_user, make_client, grant):
    """An application requiring TOTP (as the DCC does) and a user granted it."""
    client, secret = make_client(required_level="totp")
    user = make_user()
    grant(user, client)
    return client, secret, user


def test_an_application_requiring_totp_gives_a_mail_code_session_no_token_with_prompt_none(
    provider, dcc, signed_in
):
    client, secret, user = dcc
    rp = relying_party(client, secret)
    response, _ = _authorize(
        provider, rp, signed_in(user, ("password", "mail_code")), prompt="none"
    )
    params = query_of(response)
    assert params["error"] == "login_required"
    assert "code" not in params


def test_an_application_requiring_totp_is_met_by_totp(provider, dcc, signed_in):
    client, secret, user = dcc
    token = token_for(
        relying_party(client, secret), provider, signed_in(user, ("password", "totp"))
    )
    assert _claims(token)["acr"] == "urn:kiosque:loa:totp"


def test_acr_values_cannot_lower_the_application_level(provider, dcc, signed_in):
    client, secret, user = dcc
    rp = relying_party(client, secret)
    browser = signed_in(user, ("password", "mail_code"))
    response, _ = _authorize(
        provider, rp, browser, acr_values="urn:kiosque:loa:mail", prompt="none"
    )
    assert query_of(response)["error"] == "login_required"


def test_acr_values_above_the_application_level_are_required(
    provider, make_user, make_client, grant, signed_in
):
    client, secret = make_client(required_level="pwd")
    user = make_user()
    grant(user, client)
    rp = relying_party(client, secret)
    browser = signed_in(user, ("password", "totp"))
    response, _ = _authorize(
        provider, rp, browser, acr_values="urn:kiosque:loa:passkey", prompt="none"
    )
    params = query_of(response)
    assert params["error"] == "login_required"
    assert "code" not in params
