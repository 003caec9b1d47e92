"""OpenID Connect RP-Initiated Logout 1.0 §2 and §3, with an ID token from Authlib's client."""

import re

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.oidc.tests.conformance.helpers import authorization_url, relying_party

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    browser = signed_in(user)
    rp = relying_party(client, secret)
    url, verifier = authorization_url(rp, provider)
    response = browser.get(url, allow_redirects=False, timeout=10)
    token = rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=response.headers["Location"],
        code_verifier=verifier,
    )
    bye = f"https://{client.application.slug}.example.org/bye"
    return provider, client, user, browser, token["id_token"], bye


def _logout(browser, provider, **params):
    return browser.get(f"{provider}/oidc/logout/", params=params, allow_redirects=False, timeout=10)


def test_2_logout_with_the_hint_ends_the_session_and_is_audited(setup):
    provider, _client, user, browser, hint, bye = setup
    response = _logout(
        browser, provider, id_token_hint=hint, post_logout_redirect_uri=bye, state="s"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{bye}?state=s"
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == user
    assert event.context["reason"] == "rp_initiated"


def test_2_hint_of_an_ended_sign_in_shows_the_confirmation_page(setup, signed_in):
    provider, client, user, browser, hint, bye = setup
    assert _logout(browser, provider, id_token_hint=hint, post_logout_redirect_uri=bye)
    again = signed_in(user)  # a new sign-in; the application still holds the old hint
    page = _logout(again, provider, id_token_hint=hint, post_logout_redirect_uri=bye)
    assert page.status_code == 200
    assert client.application.name in page.text
    assert "Se déconnecter" in page.text
    # Confirming signs out and goes back to the application.
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    fields["allow"] = "on"
    confirmed = again.post(
        f"{provider}/oidc/logout/",
        data=fields,
        headers={"Referer": f"{provider}/oidc/logout/"},
        allow_redirects=False,
        timeout=10,
    )
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].startswith(bye)


def test_2_hint_not_signed_by_kiosque_is_not_used(setup):
    provider, client, _user, browser, hint, bye = setup
    forged = jwt.encode(
        {"alg": "RS256"},
        {"iss": provider, "aud": client.client_id, "sub": "x"},
        RSAKey.generate_key(2048),
    )
    response = _logout(browser, provider, id_token_hint=forged, post_logout_redirect_uri=bye)
    assert response.status_code == 400  # nothing says which client's URI this is
    assert "Location" not in response.headers
    client_id = client.client_id
    page = _logout(browser, provider, id_token_hint=forged, client_id=client_id)
    assert page.status_code == 200
    assert "Se déconnecter" in page.text


def _post_logout(browser, provider, **data):
    return browser.post(f"{provider}/oidc/logout/", data=data, allow_redirects=False, timeout=10)


def test_2_post_is_supported_with_form_serialization(setup):
    provider, _client, user, browser, hint, bye = setup
    # A cross-site form POST from the application: no CSRF token, no Kiosque Referer.
    response = _post_logout(
        browser,
        provider,
        id_token_hint=hint,
        post_logout_redirect_uri=bye,
        state="s",
        ui_locales="fr en",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{bye}?state=s"
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert event.actor == user
    assert event.context["reason"] == "rp_initiated"


def test_2_posted_request_without_the_hint_asks_for_confirmation(setup):
    provider, client, _user, browser, _hint, bye = setup
    page = _post_logout(
        browser, provider, client_id=client.client_id, post_logout_redirect_uri=bye, state="s"
    )
    assert page.status_code == 200
    assert "Se déconnecter" in page.text
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()


def test_2_the_confirmation_stays_csrf_protected(setup):
    provider, client, _user, browser, _hint, bye = setup
    # Another site cannot confirm in the user's name: the confirmation is Kiosque's own form.
    forged = _post_logout(
        browser, provider, client_id=client.client_id, post_logout_redirect_uri=bye, allow="on"
    )
    assert forged.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()
