"""OIDC Core §3.1.2.3: with prompt=login, or max_age elapsed, the provider re-authenticates
a user who already has a session (the sign-in form, every stage, then a newer auth_time),
from Authlib's client."""

import base64
import json
import re
import time
from urllib.parse import urljoin

import pytest

from kiosque.accounts.models import UserSession
from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mfa.tests.helpers import add_device, current_totp
from kiosque.oidc.tests.conformance.helpers import (
    authorization_url,
    redeem,
    relying_party,
    token_for,
)
from kiosque.oidc.tests.conftest import REDIRECT_URI

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Un-mot-de-passe-solide-2026"
NOTICE = "demande que vous vous authentifiiez de nouveau"


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    user.set_password(PASSWORD)
    user.save()
    _device, totp_secret = add_device(user)
    grant(user, client)
    return provider, client, secret, user, totp_secret, signed_in(user)


def _claims(token) -> dict:
    payload = token["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _fields(page) -> dict:
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))


def _first_token(provider, rp, browser):
    return _claims(token_for(rp, provider, browser))


def _sign_in_again(provider, browser, page, user, totp_secret):
    """Password, then the TOTP second factor, then the redirects back to the application."""
    fields = _fields(page)
    fields.update(username=user.username, password=PASSWORD)
    response = browser.post(page.url, data=fields, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    stage = browser.get(urljoin(provider, response.headers["Location"]), timeout=10)
    chosen = browser.post(stage.url, data={**_fields(stage), "action": "choose", "method": "totp"})
    fields = {**_fields(chosen), "action": "verify", "method": "totp"}
    fields["code"] = current_totp(totp_secret)
    response = browser.post(stage.url, data=fields, allow_redirects=False, timeout=10)
    for _ in range(5):
        assert response.status_code == 302, response.text[:300]
        location = urljoin(provider, response.headers["Location"])
        if location.startswith(REDIRECT_URI):
            return location
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("no way back to the application")


@pytest.mark.parametrize("extra", [{"prompt": "login"}, {"max_age": "1"}])
def test_3_1_2_3_a_signed_in_user_signs_in_again_and_gets_a_newer_auth_time(setup, extra):
    provider, client, secret, user, totp_secret, browser = setup
    rp = relying_party(client, secret)
    first = _first_token(provider, rp, browser)
    time.sleep(1.1)  # auth_time counts seconds
    url, verifier = authorization_url(rp, provider, **extra)
    response = browser.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion/")
    # The sign-in form, not a redirect back to the authorization endpoint (a loop).
    page = browser.get(urljoin(provider, response.headers["Location"]), allow_redirects=False)
    assert page.status_code == 200
    assert NOTICE in page.text
    assert f'value="{user.username}"' in page.text  # the signed-in account's login
    signed_in_before = AuditEvent.objects.filter(action=AuditAction.LOGIN_SUCCEEDED).count()
    keys_before = list(UserSession.objects.filter(user=user).values_list("session_key"))
    location = _sign_in_again(provider, browser, page, user, totp_secret)
    second = _claims(redeem(rp, provider, location, verifier))
    assert second["auth_time"] > first["auth_time"]
    assert second["amr"] == ["pwd", "otp", "mfa"]  # every stage, the second factor included
    assert second["sid"] != first["sid"]  # a new sign-in
    audited = AuditEvent.objects.filter(action=AuditAction.LOGIN_SUCCEEDED)
    assert audited.count() == signed_in_before + 1  # audited as any sign-in
    # A new sign-in, a new session key; the session keeps its one row in the ledger.
    rows = UserSession.objects.filter(user=user)
    assert len(keys_before) == 1
    assert list(rows.values_list("session_key")) != keys_before
    assert rows.count() == 1
    # The fresh sign-in satisfied the request: the next authorization gives a code at once.
    url, _verifier = authorization_url(rp, provider)
    assert browser.get(url, allow_redirects=False).headers["Location"].startswith(REDIRECT_URI)


def test_3_1_2_3_without_signing_in_again_no_code_and_the_form_again(setup):
    provider, client, secret, _user, _totp_secret, browser = setup
    rp = relying_party(client, secret)
    _first_token(provider, rp, browser)
    url, _verifier = authorization_url(rp, provider, prompt="login")
    login = browser.get(url, allow_redirects=False).headers["Location"]
    # Back at the authorization endpoint without signing in: the sign-in page again, and
    # that page shows its form (no loop, no code).
    url, _verifier = authorization_url(rp, provider)
    again = browser.get(url, allow_redirects=False)
    assert again.headers["Location"].startswith("/connexion/")
    page = browser.get(urljoin(provider, login), allow_redirects=False)
    assert page.status_code == 200
    assert NOTICE in page.text


def test_3_1_2_3_prompt_none_with_max_age_elapsed_is_login_required(setup):
    provider, client, secret, _user, _totp_secret, browser = setup
    rp = relying_party(client, secret)
    _first_token(provider, rp, browser)
    time.sleep(1.1)
    url, _verifier = authorization_url(rp, provider, prompt="none", max_age="1")
    location = browser.get(url, allow_redirects=False).headers["Location"]
    assert "error=login_required" in location
    # And the sign-in page was not asked for: signed in, it sends the browser on.
    assert browser.get(f"{provider}/connexion/", allow_redirects=False).status_code == 302
