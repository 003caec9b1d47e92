"""In Chromium: sign in with the mail code, enrol a TOTP app from the QR page, sign out,
sign in again choosing "Application OTP"."""

import time

import pyotp
import pytest

from kiosque.mfa.models import TOTPDevice
from kiosque.mfa.tests.helpers import PASSWORD, code_from

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sign_in_with_password(page, username):
    page.goto("/connexion/")
    page.get_by_label("Identifiant ou mail").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_enrol_totp_then_sign_in_with_it(page, make_user, smtp_server, deliver_outbox):
    user = make_user("ndupont")
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_violations.append(message.text)
        ),
    )

    # 1. password, then the code received by mail
    sign_in_with_password(page, "ndupont")
    page.wait_for_url("**/connexion/second-facteur/")
    assert page.get_by_role("heading", name="Un code vous a été envoyé par mail, entrez-le ici")
    assert deliver_outbox() == 1
    page.get_by_label("Code").fill(code_from(smtp_server.messages[-1]))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("text=Connecté en tant que PETIT Nathalie")

    # 2. Gestionnaire 2ndFA → Ajouter → QR page
    page.goto("/compte/second-facteur/")
    page.get_by_role("link", name="Ajouter").click()
    page.wait_for_selector("text=Votre nouvelle clef TOTP. Testez-la et entrez le code")
    assert page.locator(".mfa-qr svg path").count() == 1
    key = page.locator("#totp-key").inner_text()
    assert len(key.split(" ")) == 8
    authenticator = pyotp.TOTP(key.replace(" ", ""))
    page.get_by_label("② Choisissez un nom pour votre périphérique TOTP").fill("MyTOTP")
    page.get_by_label("③ Recopiez le code affiché par votre application").fill(authenticator.now())
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_selector("text=Votre second facteur a été enregistré")
    row = page.locator("table.mfa-devices tbody tr")
    assert row.count() == 1
    assert "MyTOTP" in row.inner_text() and "TOTP" in row.inner_text()
    assert TOTPDevice.objects.filter(user=user, name="MyTOTP").exists()

    # 3. sign out, sign in again and choose the authenticator app
    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_load_state()
    sign_in_with_password(page, "ndupont")
    page.wait_for_selector("text=Choisissez votre second facteur")
    assert page.get_by_role("button", name="Code par mail").is_visible()
    page.get_by_role("button", name="Application OTP").click()
    page.wait_for_selector("text=Code de votre application OTP")
    # the enrolment code is spent: the app's next code (one step of drift is accepted)
    page.get_by_label("Code").fill(authenticator.at(time.time() + 30))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("text=Connecté en tant que PETIT Nathalie")
    assert csp_violations == []
