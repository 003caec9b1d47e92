"""Step-up, from Authlib's client: an application requiring TOTP (the DCC) opened from a
mail-code session sends the user to "Une authentification plus forte est demandée", then
back to the same authorization request, which gives a code whose ID token says TOTP."""

import base64
import json
import re
from urllib.parse import urljoin

import pytest

from kiosque.mfa.tests.helpers import add_device, current_totp
from kiosque.oidc.tests.conformance.helpers import authorization_url, query_of, relying_party

pytestmark = pytest.mark.django_db(transaction=True)

STEP_UP_URL = "/connexion/authentification-renforcee/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _claims(token) -> dict:
    payload = token["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.fixture
def dcc(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client(required_level="totp")
    user = make_user()
    grant(user, client)
    return client, secret, user, signed_in(user, ("password", "mail_code"))


def _post(provider, browser, page, **data):
    token = CSRF.search(page.text).group(1)
    return browser.post(
        f"{provider}{STEP_UP_URL}",
        data={"csrfmiddlewaretoken": token, **data},
        headers={"Referer": f"{provider}{STEP_UP_URL}"},
        allow_redirects=False,
        timeout=10,
    )


def test_a_mail_code_session_steps_up_with_totp_then_gets_the_code(provider, dcc):
    client, secret, user, browser = dcc
    _device, totp_secret = add_device(user)
    rp = relying_party(client, secret)
    url, verifier = authorization_url(rp, provider)
    response = browser.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == STEP_UP_URL  # no code, no error
    page = browser.get(f"{provider}{STEP_UP_URL}", timeout=10)
    assert "Une authentification plus forte est demandée" in page.text
    assert "Code de votre application OTP" in page.text  # the only means reaching TOTP
    wrong = _post(provider, browser, page, action="verify", method="totp", code="000000")
    assert wrong.status_code == 200  # refused next to the field; the level is unchanged
    again = browser.get(url, allow_redirects=False, timeout=10)
    assert again.headers["Location"] == STEP_UP_URL
    page = browser.get(f"{provider}{STEP_UP_URL}", timeout=10)
    done = _post(
        provider, browser, page, action="verify", method="totp", code=current_totp(totp_secret)
    )
    assert done.status_code == 302
    back = urljoin(provider, done.headers["Location"])
    assert back.startswith(f"{provider}/oidc/authorize/?")
    assert f"client_id={client.client_id}" in back
    answer = browser.get(back, allow_redirects=False, timeout=10)
    assert "code" in query_of(answer)
    token = rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=answer.headers["Location"],
        code_verifier=verifier,
    )
    claims = _claims(token)
    assert claims["acr"] == "urn:kiosque:loa:totp"
    assert claims["amr"] == ["pwd", "otp", "mfa"]


def test_an_application_a_mail_code_meets_gets_a_truthful_token(provider, dcc, make_client, grant):
    """The same session opens an application that a mail code is enough for: no step-up,
    and its ID token says mail, not more."""
    client, secret, user, browser = dcc
    other, other_secret = make_client()
    grant(user, other)
    rp = relying_party(other, other_secret)
    url, verifier = authorization_url(rp, provider)
    answer = browser.get(url, allow_redirects=False, timeout=10)
    token = rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=answer.headers["Location"],
        code_verifier=verifier,
    )
    assert _claims(token)["acr"] == "urn:kiosque:loa:mail"


def test_a_user_without_a_stronger_means_is_told_how_to_enrol_one(provider, dcc):
    client, secret, user, browser = dcc
    url, _ = authorization_url(relying_party(client, secret), provider)
    assert browser.get(url, allow_redirects=False, timeout=10).headers["Location"] == STEP_UP_URL
    page = browser.get(f"{provider}{STEP_UP_URL}", timeout=10)
    assert page.status_code == 403
    assert "Une authentification plus forte est demandée" in page.text
    assert "Gestionnaire 2ndFA" in page.text
    assert 'href="/compte/second-facteur/"' in page.text
    # Still no code: the request gives the step-up again, never a weaker token.
    assert browser.get(url, allow_redirects=False, timeout=10).headers["Location"] == STEP_UP_URL


def test_the_step_up_page_cannot_be_used_without_an_application_asking(provider, dcc):
    client, secret, user, browser = dcc
    add_device(user)
    response = browser.get(f"{provider}{STEP_UP_URL}", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"] == "/applications/"
