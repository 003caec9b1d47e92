"""In Chromium with its virtual authenticator (CDP WebAuthn domain): a user who has only the
mail code opens the Gestionnaire 2ndFA and enrols a passkey, signs in with it without a
password, then uses it as the second factor after the password."""

import pytest

from kiosque.mfa.models import Passkey
from kiosque.mfa.tests.helpers import code_from
from kiosque.mfa.tests.test_browser import sign_in_with_password

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SIGNED_IN = "text=Connecté en tant que PETIT Nathalie"


def add_virtual_authenticator(page, transport: str = "usb") -> None:
    """A CTAP2 authenticator with resident keys and user verification; "internal" makes it
    a platform authenticator, which Chromium needs to offer conditional mediation."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": transport,
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_enrol_a_passkey_then_sign_in_with_it(
    page, live_server, settings, make_user, smtp_server, deliver_outbox
):
    settings.KIOSQUE_PASSKEY_RP_ID = "localhost"
    settings.KIOSQUE_PASSKEY_ORIGINS = [live_server.url.replace("127.0.0.1", "localhost")]
    page.context.set_default_timeout(20_000)
    base = settings.KIOSQUE_PASSKEY_ORIGINS[0]
    user = make_user("ndupont")
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )
    add_virtual_authenticator(page)

    # 1. a user with only the mail code signs in and opens the Gestionnaire 2ndFA
    page.goto(f"{base}/connexion/")
    assert page.get_by_label("Identifiant ou mail").get_attribute("autocomplete") == (
        "username webauthn"
    )
    sign_in_with_password(page, "ndupont")
    page.wait_for_url("**/connexion/second-facteur/")
    assert deliver_outbox() == 1
    page.get_by_label("Code").fill(code_from(smtp_server.messages[-1]))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector(SIGNED_IN)
    page.goto(f"{base}/compte/second-facteur/")
    assert page.get_by_text("Aucune clé d'accès n'est enregistrée.").is_visible()

    # 2. enrol a passkey
    page.get_by_label("Nom de la clé d'accès").fill("Clé du bureau")
    page.get_by_role("button", name="Ajouter une clé d'accès").click()
    page.wait_for_selector("text=Votre clé d'accès a été enregistrée")
    row = page.locator("table.mfa-passkeys tbody tr")
    assert row.count() == 1 and "Clé du bureau" in row.inner_text()
    assert "Jamais" in row.inner_text()
    passkey = Passkey.objects.get(user=user)
    assert passkey.aaguid  # attestation "none": whatever the browser reports

    # 3. sign out; passwordless sign-in with the button
    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_load_state()
    page.goto(f"{base}/connexion/")
    page.get_by_role("button", name="Se connecter avec une clé d'accès").click()
    page.wait_for_selector(SIGNED_IN)
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    # 4. sign out; password, then the passkey as second factor
    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_load_state()
    page.goto(f"{base}/connexion/")
    sign_in_with_password(page, "ndupont")
    page.wait_for_selector("text=Choisissez votre second facteur")
    page.get_by_role("button", name="Clé d'accès").click()
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    page.wait_for_selector(SIGNED_IN)
    assert csp_violations == []
