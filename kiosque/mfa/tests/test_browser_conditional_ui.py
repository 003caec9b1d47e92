"""In Chromium with its virtual authenticator: the login field's conditional mediation
(passkey autofill) offers the passkey, and signing in completes without the password."""

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from kiosque.audit.models import AuditEvent
from kiosque.mfa.models import Passkey
from kiosque.mfa.tests.helpers import code_from
from kiosque.mfa.tests.test_browser import sign_in_with_password
from kiosque.mfa.tests.test_browser_passkey import SIGNED_IN, add_virtual_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Notes each navigator.credentials.get() call's mediation (in the tab's sessionStorage, which
# outlives the navigation that follows the sign-in) before the page's scripts run.
RECORD_MEDIATION = """
(() => {
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options) => {
    const seen = JSON.parse(sessionStorage.getItem("mediations") || "[]");
    seen.push((options && options.mediation) || "");
    sessionStorage.setItem("mediations", JSON.stringify(seen));
    return get(options);
  };
})();
"""
MEDIATIONS = 'JSON.parse(sessionStorage.getItem("mediations") || "[]")'


def test_passkey_autofill_signs_in_without_the_password(
    page, live_server, settings, make_user, smtp_server, deliver_outbox
):
    settings.KIOSQUE_PASSKEY_RP_ID = "localhost"
    settings.KIOSQUE_PASSKEY_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    page.context.set_default_timeout(45_000)  # CI runs two suites on two cores
    base = settings.KIOSQUE_PASSKEY_ORIGINS[0]
    user = make_user("ndupont")
    # A platform authenticator: Chromium offers conditional mediation only with one.
    add_virtual_authenticator(page, transport="internal")

    # A passkey enrolled from the Gestionnaire 2ndFA (resident key in the authenticator).
    page.goto(f"{base}/connexion/")
    # The login field asks the browser for passkeys in its autofill (conditional UI).
    assert page.get_by_label("Identifiant ou mail").get_attribute("autocomplete") == (
        "username webauthn"
    )
    sign_in_with_password(page, "ndupont")
    page.wait_for_url("**/connexion/second-facteur/")
    deliver_outbox()
    page.get_by_label("Code").fill(code_from(smtp_server.messages[-1]))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector(SIGNED_IN)
    page.goto(f"{base}/compte/second-facteur/")
    page.get_by_label("Nom de la clé d'accès").fill("Clé du bureau")
    page.get_by_role("button", name="Ajouter une clé d'accès").click()
    page.wait_for_selector("text=Votre clé d'accès a été enregistrée")
    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_load_state()

    # The login page: its conditional request offers the passkey in the login field's
    # autofill; the virtual authenticator picks it, nobody types or clicks a button.
    page.add_init_script(RECORD_MEDIATION)
    page.goto(f"{base}/connexion/")
    # The page starts conditional mediation as it loads; Chromium's virtual authenticator
    # (presence simulated) may answer before the field is even focused, so focus it only if
    # the login page is still there.
    with contextlib.suppress(PlaywrightError):  # already navigated away: signed in
        page.evaluate(
            "() => { const f = document.querySelector('[autocomplete=\"username webauthn\"]');"
            " if (f) f.focus(); }"
        )
    page.wait_for_selector(SIGNED_IN)
    assert page.evaluate(MEDIATIONS) == ["conditional"]
    assert page.get_by_label("Mot de passe").count() == 0  # left the login page
    passkey = Passkey.objects.get(user=user)
    assert passkey.last_used_at is not None
    event = AuditEvent.objects.filter(action="login.succeeded", actor=user).latest("id")
    assert event.context["methods"] == ["passkey"]
