"""In Chromium with its virtual authenticator: a professional signed in with a mail code
opens the DCC (which requires TOTP or stronger), is asked for a stronger means, uses the
passkey, and the DCC gets its code; the ID token says passkey."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from kiosque.mfa import levels
from kiosque.mfa.tests.helpers import code_from
from kiosque.mfa.tests.test_browser import sign_in_with_password
from kiosque.mfa.tests.test_browser_passkey import SIGNED_IN, add_virtual_authenticator
from kiosque.oidc.flows import clients
from kiosque.oidc.models import SignIn
from kiosque.portal.models import AccessGrant, Application

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_step_up_from_mail_code_to_passkey_when_opening_the_dcc(
    page, live_server, settings, make_user, smtp_server, deliver_outbox
):
    from django.utils import timezone

    settings.KIOSQUE_PASSKEY_RP_ID = "localhost"
    settings.KIOSQUE_PASSKEY_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    page.context.set_default_timeout(20_000)
    base = settings.KIOSQUE_PASSKEY_ORIGINS[0]
    user = make_user("ndupont")
    dcc = Application.objects.create(slug="dcc", name="DCC", required_level=levels.TOTP)
    redirect_uri = f"{base}/dcc-callback/"
    client, _secret = clients.register(dcc, redirect_uris=[redirect_uri])
    AccessGrant.objects.create(user=user, application=dcc, granted_at=timezone.now())
    add_virtual_authenticator(page)

    # A mail-code sign-in, then a passkey enrolled in the Gestionnaire 2ndFA.
    page.goto(f"{base}/connexion/")
    sign_in_with_password(page, "ndupont")
    page.wait_for_url("**/connexion/second-facteur/")
    deliver_outbox()
    page.get_by_label("Code").fill(code_from(smtp_server.messages[-1]))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector(SIGNED_IN)
    page.goto(f"{base}/applications/")
    tile = page.locator("#tuile-dcc")
    assert "Authentification plus forte demandée" in tile.inner_text()
    page.goto(f"{base}/compte/second-facteur/")
    page.get_by_label("Nom de la clé d'accès").fill("Clé du bureau")
    page.get_by_role("button", name="Ajouter une clé d'accès").click()
    page.wait_for_selector("text=Votre clé d'accès a été enregistrée")

    # The DCC asks for its code: step-up with the passkey, then back to the request.
    # (Its callback is a page of the live server, a 404 that shows the URL reached.)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid",
            "state": "s1",
            "nonce": "n1",
        }
    )
    page.goto(f"{base}/oidc/authorize/?{query}")
    page.wait_for_url("**/connexion/authentification-renforcee/")
    assert page.get_by_text("Une authentification plus forte est demandée").is_visible()
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    page.wait_for_url("**/dcc-callback/?**")  # through "Ouverture de l'application"
    params = parse_qs(urlsplit(page.url).query)
    assert params["state"] == ["s1"] and params["code"]
    sign_in = SignIn.objects.get(user=user)
    assert sign_in.acr == "urn:kiosque:loa:passkey"
    assert sign_in.amr == ["pwd", "otp", "hwk", "user", "mfa"]
