"""acr_values=eidas1 (issue 19): the step-up page offers Pro Santé Connect; completing it
continues the authorization, whose ID token says eidas1. No PSC, no token."""

from urllib.parse import urljoin

import pytest

from kiosque.audit.models import AuditEvent
from kiosque.oidc.tests import psc_helpers
from kiosque.oidc.tests.conftest import authorize, exchange_code, pkce_pair
from kiosque.oidc.tests.factories import professional
from kiosque.professionals.models import PscLink

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

STEP_UP = "/connexion/authentification-renforcee/"
PSC_STEP_UP = "/connexion/authentification-renforcee/psc/"


@pytest.fixture
def app(psc_provider, provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    professional(user, rpps="10000000009")
    return client, secret, user, signed_in(user, ("password", "totp"))


def _ask_eidas1(provider, browser, client):
    verifier, challenge = pkce_pair()
    response = authorize(
        browser, provider, client, extra={"acr_values": "eidas1"}, challenge=challenge
    )
    return response, verifier


def test_acr_values_eidas1_is_met_by_a_psc_step_up(provider, app):
    client, secret, user, browser = app
    PscLink.objects.create(user=user, subject="810000000009")
    response, verifier = _ask_eidas1(provider, browser, client)
    assert response.headers["Location"] == STEP_UP  # no code before PSC
    page = browser.get(f"{provider}{STEP_UP}", timeout=10)
    assert page.status_code == 200
    assert "Se connecter avec Pro Santé Connect" in page.text
    to_psc = psc_helpers.post_form(browser, f"{provider}{STEP_UP}", f"{provider}{PSC_STEP_UP}")
    assert "prompt=login" in to_psc.headers["Location"]
    back = psc_helpers.at_psc(browser, to_psc, "810000000009", means=psc_helpers.E_CPS)
    assert back.status_code == 302
    again = urljoin(provider, back.headers["Location"])
    assert again.startswith(f"{provider}/oidc/authorize/?")
    answer = browser.get(again, allow_redirects=False, timeout=10)
    tokens = exchange_code(provider, client, secret, answer, verifier)
    claims = psc_helpers.id_token_claims(tokens["id_token"])
    assert claims["acr"] == "eidas1"
    assert claims["amr"] == ["pwd", "otp", "mca", "pin", "mfa"]
    assert AuditEvent.objects.filter(
        action="mfa.verified", actor=user, context__method="psc"
    ).exists()


def test_without_a_psc_link_the_step_up_explains_how_to_link_and_no_code(provider, app):
    client, _secret, _user, browser = app
    response, _verifier = _ask_eidas1(provider, browser, client)
    assert response.headers["Location"] == STEP_UP
    page = browser.get(f"{provider}{STEP_UP}", timeout=10)
    assert page.status_code == 403
    assert "Pro Santé Connect n'est pas encore associé à votre compte" in page.text
    assert 'href="/compte/#pro-sante-connect"' in page.text
    assert "Se connecter avec Pro Santé Connect" not in page.text
    # Asking again still gives no code.
    response, _verifier = _ask_eidas1(provider, browser, client)
    assert response.headers["Location"] == STEP_UP


def test_a_psc_step_up_with_another_identity_does_not_raise_the_level(provider, app):
    client, _secret, user, browser = app
    PscLink.objects.create(user=user, subject="810000000009")
    _ask_eidas1(provider, browser, client)
    to_psc = psc_helpers.post_form(browser, f"{provider}{STEP_UP}", f"{provider}{PSC_STEP_UP}")
    back = psc_helpers.at_psc(browser, to_psc, "812345678903")  # another professional's card
    assert back.headers["Location"] == STEP_UP
    response, _verifier = _ask_eidas1(provider, browser, client)
    assert response.headers["Location"] == STEP_UP  # still no code
    event = AuditEvent.objects.get(action="mfa.failed", actor=user)
    assert event.context["reason"] == "psc_subject_mismatch"


def test_the_psc_step_up_cannot_start_without_a_step_up_asked(provider, app):
    _client, _secret, _user, browser = app
    reply = psc_helpers.post_form(browser, f"{provider}/applications/", f"{provider}{PSC_STEP_UP}")
    assert reply.status_code == 404
