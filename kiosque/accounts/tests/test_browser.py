"""A real browser (Debian's Chromium): first login with a temporary password, the forced
change with the generator button, then a reset from the link in the dev mailbox."""

import re

import pytest

from kiosque.accounts.flows import credentials
from kiosque.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, identifier, password):
    page.goto("/connexion/")
    page.locator("#id_username").fill(identifier)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def _generate_and_send(page):
    rules = page.locator(".policy-rule")
    assert rules.count() == 5
    assert page.locator(".policy-rule--ok").count() == 0
    page.get_by_role("button", name="Générer le mot de passe automatiquement").click()
    generated = page.locator("#generated-password").input_value()
    assert len(generated) >= 12
    assert page.locator("#id_new_password1").input_value() == generated
    assert page.locator("#id_new_password2").input_value() == generated
    assert page.locator(".policy-rule--ok").count() == 5
    page.get_by_role("button", name="Envoyer").click()
    return generated


def test_first_login_forced_change_then_reset_from_the_mailbox(page, live_server, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    settings.KIOSQUE_BASE_URL = live_server.url
    settings.EMAIL_BACKEND = "kiosque.mail.backends.DevMailboxBackend"
    user = User.objects.create_user(
        "ndupont", "nathalie.dupont@exemple.fr", first_name="Nathalie", last_name="Dupont"
    )
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)

    _sign_in(page, "ndupont", "Temporaire-Mdp-42")
    page.wait_for_url(re.compile(r"/connexion/nouveau-mot-de-passe/$"))
    assert page.get_by_role("heading", name="Changez votre mot de passe").is_visible()
    assert page.get_by_text("Taille minimale : 12").is_visible()
    chosen = _generate_and_send(page)
    page.wait_for_selector("text=Connecté en tant que DUPONT Nathalie")
    user.refresh_from_db()
    assert user.check_password(chosen) and not user.must_change_password

    page.get_by_role("button", name="Déconnexion").click()
    page.wait_for_url(re.compile(r"/connexion/$"))
    page.get_by_role("link", name="Réinitialiser mon mot de passe").click()
    page.locator("#id_email").fill("Nathalie.Dupont@exemple.fr")
    page.get_by_role("button", name="Envoyez-moi un lien").click()
    page.wait_for_selector("text=Un mail de confirmation vous a été envoyé")

    from kiosque.mail.delivery import deliver_due
    from kiosque.mail.models import DevMailboxMessage

    assert deliver_due().sent == 2  # the confirmation of the forced change, the reset link
    mail = DevMailboxMessage.objects.get(subject="[Kiosque] Mise à jour de mot de passe")
    link = re.search(r"http://\S+/mot-de-passe/reinitialiser/\S+/", mail.text_body).group(0)
    page.goto(link)
    page.wait_for_url(re.compile(r"/mot-de-passe/reinitialiser/$"))  # the token left the URL
    new_password = _generate_and_send(page)
    page.wait_for_selector("text=Votre mot de passe a été réinitialisé avec succès")

    _sign_in(page, "nathalie.dupont@exemple.fr", new_password)
    page.wait_for_selector("text=Connecté en tant que DUPONT Nathalie")
    assert deliver_due().sent == 1  # the reset confirmation


def test_generating_a_password_clears_the_previous_errors(page, live_server, settings):
    settings.KIOSQUE_SECOND_FACTOR_REQUIRED = False
    user = User.objects.create_user("mmartin", "m.martin@exemple.fr", first_name="Marc")
    credentials.set_temporary_password(user, "Temporaire-Mdp-42", 7)
    _sign_in(page, "mmartin", "Temporaire-Mdp-42")
    page.wait_for_url(re.compile(r"/connexion/nouveau-mot-de-passe/$"))
    page.locator("#id_new_password1").fill("court")
    page.locator("#id_new_password2").fill("autre")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector(".field-error")
    assert page.locator(".error-summary").count() == 1
    assert page.locator(".field--error").count() >= 1

    page.get_by_role("button", name="Générer le mot de passe automatiquement").click()
    assert page.locator(".field-error").count() == 0
    assert page.locator(".field--error").count() == 0
    assert page.locator(".error-summary").count() == 0
    assert page.locator("[aria-invalid]").count() == 0
    generated = page.locator("#id_new_password1").input_value()
    assert generated[0].isalpha() and generated[-1].isalpha()
    assert not set("0Oo1lIi*_") & set(generated)
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_selector("text=Connecté en tant que")
    user.refresh_from_db()
    assert user.check_password(generated)
