"""End to end in Chromium: the DCC demo's "Se connecter", Kiosque's login and second factor,
back to the demo with the professional's claims; "Déconnexion" in Kiosque signs out the demo."""

import pyotp
import pytest
from django.utils import timezone

from kiosque.core import crypto
from kiosque.mfa.models import TOTPDevice
from kiosque.oidc.tests.factories import professional

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]
PASSWORD = "Oncologie-Centre-2025!"


def test_sign_in_to_the_demo_through_kiosque_then_logout(
    provider, dcc_demo, make_user, grant, page
):
    rp, client = dcc_demo
    user = make_user(first_name="Louis", last_name="Pasteur")
    user.set_password(PASSWORD)
    user.save()
    professional(user, rpps="10000000009")
    secret = pyotp.random_base32()
    TOTPDevice.objects.create(
        user=user,
        name="Téléphone",
        encrypted_secret=crypto.encrypt(secret),
        created_at=timezone.now(),
    )
    grant(user, client, "medecin-rcp")

    page.goto(f"{rp}/")
    page.click("#login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Se connecter").first.click()
    page.wait_for_url("**/connexion/second-facteur/")
    choose = page.get_by_role("button", name="Application OTP")
    if choose.count():
        choose.click()
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("form.mfa-code button[value=verify]").click()
    page.wait_for_url(f"{rp}/")
    assert "Mes RCP" in page.inner_text("h1")
    assert "Louis Pasteur" in page.inner_text("#who")
    assert "810000000009" in page.inner_text("#national-id")
    assert "medecin-rcp" in page.inner_text("#roles")
    assert "code à usage unique (otp)" in page.inner_text("#authentication")

    page.goto(f"{provider}/")
    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_load_state()
    page.goto(f"{rp}/")
    assert "Vous n'êtes pas connecté" in page.content()
