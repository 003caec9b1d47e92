"""Sign in with Pro Santé Connect, against a real OpenID Connect provider on loopback."""

import re
from urllib.parse import urljoin

import pytest
import requests
from django.contrib.sessions.backends.db import SessionStore

from kiosque.audit.models import AuditEvent
from kiosque.oidc import psc
from kiosque.oidc.tests.factories import professional

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _through_psc(provider, national_id, next_url="/applications/"):
    """Click the PSC button, type the national identifier at the provider, come back."""
    browser = requests.Session()
    page = browser.get(f"{provider}/connexion/psc/", params={"next": next_url}, timeout=15)
    assert page.status_code == 200, page.text[:300]
    action = re.search(r'<form autocomplete="off" action="([^"]+)"', page.text).group(1)
    back = browser.post(
        urljoin(page.url, action),
        data={"prompt": "login", "login": national_id, "password": "cps-pin"},
        allow_redirects=False,
        timeout=15,
    )
    while back.is_redirect and "/connexion/psc/retour/" not in back.headers["Location"]:
        back = browser.get(
            urljoin(back.url, back.headers["Location"]), allow_redirects=False, timeout=15
        )
    final = browser.get(back.headers["Location"], allow_redirects=False, timeout=15)
    return browser, final


def test_login_page_shows_the_psc_button_when_configured(psc_provider, provider):
    page = requests.get(f"{provider}/connexion/", timeout=5).text
    assert "Se connecter avec Pro Santé Connect (carte CPS / e-CPS)" in page


def test_login_page_has_no_psc_button_without_configuration(provider, settings):
    settings.KIOSQUE_PSC_ISSUER = ""
    assert "Pro Santé Connect" not in requests.get(f"{provider}/connexion/", timeout=5).text
    assert requests.get(f"{provider}/connexion/psc/", timeout=5).status_code == 404


def test_known_rpps_signs_in_with_both_factors(
    psc_provider, provider, make_user, make_client, grant, code_flow
):
    user = make_user()
    professional(user, rpps="10000000009")
    browser, final = _through_psc(provider, "810000000009")
    assert final.status_code == 302
    assert final.headers["Location"] == "/applications/"
    event = AuditEvent.objects.filter(action="login.succeeded", actor=user).get()
    assert event.context["methods"] == ["psc"]
    # The applications are told the user came through PSC.
    client, secret = make_client()
    grant(user, client)
    import base64
    import json

    id_token = code_flow(browser, client, secret)["id_token"]
    payload = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["acr"] == "eidas1"
    assert "mfa" in claims["amr"]


def test_unknown_rpps_goes_to_registration_with_the_psc_identity(psc_provider, provider):
    browser, final = _through_psc(provider, "812345678903")
    assert final.status_code == 302
    assert final.headers["Location"] == "/inscription/?psc=1"
    session = SessionStore(browser.cookies.get("kiosque_session"))
    identity = session[psc.REGISTRATION_SESSION_KEY]
    assert identity["rpps"] == "12345678903"
    assert identity["national_id"] == "812345678903"
    assert identity["family_name"] == "Curie"
    assert identity["specialty_code"] == "SM37"
    assert identity["finess_sites"] == [{"finess": "450000088", "name": "CHR ORLEANS"}]
    assert "_auth_user_id" not in session


def test_deactivated_account_is_refused(psc_provider, provider, make_user):
    user = make_user(is_active=False)
    professional(user, rpps="10000000009")
    _browser, final = _through_psc(provider, "810000000009")
    assert final.status_code == 403
    assert "désactivé ou verrouillé" in final.text


def test_forged_callback_is_refused(psc_provider, provider):
    browser = requests.Session()
    reply = browser.get(
        f"{provider}/connexion/psc/retour/", params={"code": "x", "state": "forged"}, timeout=10
    )
    assert reply.status_code == 400
    assert "Pro Santé Connect n'a pas pu confirmer votre identité" in reply.text


def test_open_redirect_through_next_is_ignored(psc_provider, provider, make_user):
    user = make_user()
    professional(user, rpps="10000000009")
    _browser, final = _through_psc(provider, "810000000009", next_url="https://evil.example/")
    assert "evil.example" not in final.headers["Location"]


# --- linking only on a verified RPPS (issue 19) --------------------------------------------

from kiosque.oidc.tests import psc_helpers  # noqa: E402
from kiosque.professionals.models import PscLink  # noqa: E402


def test_the_first_psc_sign_in_links_the_account_of_the_verified_rpps(
    psc_provider, provider, make_user
):
    user = make_user()
    professional(user, rpps="10000000009")
    _browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.headers["Location"] == "/applications/"
    link = PscLink.objects.get(user=user)
    assert link.subject == "810000000009"
    assert link.last_used_at is not None
    event = AuditEvent.objects.get(action="mfa.device_added", actor=user)
    assert event.context["method"] == "psc"


def test_an_unverified_rpps_gets_the_explanation_and_no_session(psc_provider, provider, make_user):
    user = make_user(email="louis.pasteur@exemple.fr")
    professional(user, rpps="10000000009", verified=False)
    browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.status_code == 403
    assert "Pro Santé Connect n'est associé à aucun compte" in final.text
    assert "jamais un compte par son adresse mail" in final.text
    assert user.get_username() not in final.text and user.email not in final.text
    assert "_auth_user_id" not in SessionStore(browser.cookies.get("kiosque_session"))
    assert not PscLink.objects.exists()
    event = AuditEvent.objects.get(action="login.failed", context__method="psc")
    assert event.context["reason"] == "psc_not_verified"


def test_a_profile_checked_by_the_reviewer_is_verified(psc_provider, provider, make_user):
    user = make_user()
    profile = professional(user, rpps="10000000009", verified=False)
    profile.registration_request_id = 42  # created when a reviewer validated request 42
    profile.save(update_fields=["registration_request_id"])
    _browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.headers["Location"] == "/applications/"


def test_an_adeli_never_links(psc_provider, provider, make_user):
    user = make_user()
    professional(user, rpps="", adeli="451234567")
    _browser, final = psc_helpers.sign_in(provider, "0451234567")
    assert final.status_code == 403
    assert "Pro Santé Connect n'est associé à aucun compte" in final.text


def test_an_account_that_unlinked_psc_is_not_linked_again_by_a_sign_in(
    psc_provider, provider, make_user
):
    from django.utils import timezone

    user = make_user()
    professional(user, rpps="10000000009")
    PscLink.objects.create(user=user, subject="810000000009", unlinked_at=timezone.now())
    _browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.status_code == 403
    assert not PscLink.objects.get(user=user).active


def test_a_link_whose_rpps_is_no_longer_verified_does_not_sign_in(
    psc_provider, provider, make_user
):
    user = make_user()
    profile = professional(user, rpps="10000000009")
    PscLink.objects.create(user=user, subject="810000000009")
    profile.rpps_verified = False
    profile.save(update_fields=["rpps_verified"])
    _browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.status_code == 403


# --- CPS card and e-CPS -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("means", "psc_amr"),
    [(psc_helpers.CPS, ["sc", "pin"]), (psc_helpers.E_CPS, ["mca", "pin"])],
)
def test_cps_and_e_cps_both_reach_eidas1_and_say_which_in_amr(
    psc_provider, provider, make_user, make_client, grant, code_flow, means, psc_amr
):
    user = make_user()
    professional(user, rpps="10000000009")
    browser, final = psc_helpers.sign_in(provider, "810000000009", means=means)
    assert final.headers["Location"] == "/applications/"
    client, secret = make_client()
    grant(user, client)
    claims = psc_helpers.id_token_claims(code_flow(browser, client, secret)["id_token"])
    assert claims["acr"] == "eidas1"
    assert claims["amr"] == [*psc_amr, "mfa"]
