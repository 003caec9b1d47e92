"""The whole journey of a health professional, in Chromium, against the real processes.

Account request → confirmation e-mail → a reviewer validates → credentials e-mail → first
sign-in with the temporary password → mail code → forced change with the generator →
"Vos applications" → DCC access request → the referent grants it → TOTP enrolment (the DCC
requires it) → sign-in with "Application OTP" → "Historique des connexions" → the DCC tile opens
the DCC demo through single sign-on → "Déconnexion" signs out of both. Every page is audited
(checks.py)."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.journey.flows import (
    enter_mail_code,
    label,
    sign_in_with_mail_code,
    sign_out,
    submit_password,
)
from tests.journey.mailbox import body

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "nathalie.dupont@chu-tours.fr"
THANKS = "Votre demande a été prise en compte, elle est en cours de traitement par nos équipes."


def register(page, check):
    page.goto("/")
    check(page, "accueil", screenshot=True)
    page.get_by_role("link", name="Créer un compte").first.click()
    expect(page).to_have_url(re.compile(r"/inscription/$"))
    page.get_by_role("button", name="Étape suivante").click()  # conditions not accepted
    check(page, "inscription-conditions-erreur")
    page.get_by_label("J'accepte les conditions générales d'utilisation").check()
    check(page, "inscription-conditions", screenshot=True)
    page.get_by_role("button", name="Étape suivante").click()

    expect(page).to_have_url(re.compile(r"/inscription/identite/$"))
    page.get_by_role("button", name="Étape suivante").click()  # nothing filled in
    check(page, "inscription-identite-erreur", screenshot=True)
    page.get_by_label(label("Profession")).select_option(label="Médecin")
    specialty = page.get_by_label(label("Spécialité professionnelle - Médecin"))
    expect(specialty).to_be_visible()
    specialty.select_option(label="Oncologie, option Onco-hématologie")
    page.get_by_label(label("N° RPPS")).fill("10000000009")
    page.get_by_label(label("Titre")).select_option(label="Docteur")
    page.get_by_label(label("Civilité")).select_option(label="Madame")
    page.get_by_label(label("Nom d'usage")).fill("DUPONT")
    page.get_by_label(label("Nom de naissance")).fill("PETIT")
    page.get_by_label(label("Prénom")).fill("Nathalie")
    page.get_by_label(label("Date de naissance")).fill("07/06/1994")
    check(page, "inscription-identite")
    page.get_by_role("button", name="Étape suivante").click()

    expect(page).to_have_url(re.compile(r"/inscription/contacts/$"))
    page.get_by_label(label("Mail pour l'authentification")).fill("secretariat@mssante.fr")
    page.get_by_role("button", name="Étape suivante").click()
    check(page, "inscription-contacts-erreur")
    page.get_by_label(label("Téléphone mobile")).fill("06 75 03 05 22")
    page.get_by_label(label("Mail pour l'authentification")).fill(EMAIL)
    page.get_by_label(label("Confirmation du mail pour l'authentification")).fill(EMAIL)
    check(page, "inscription-contacts", screenshot=True)
    page.get_by_role("button", name="Étape suivante").click()

    expect(page).to_have_url(re.compile(r"/inscription/etablissement/$"))
    page.get_by_role("button", name="Étape suivante").click()
    check(page, "inscription-etablissement-erreur")
    search = page.get_by_role("combobox", name=label("Etablissement d'exercice"))
    search.press_sequentially("airbp", delay=50)
    suggestion = page.get_by_role("option", name=re.compile("AIRBP IRC DREUX"))
    expect(suggestion).to_be_visible()
    check(page, "inscription-etablissement-suggestions")
    suggestion.click()
    expect(search).to_have_value(re.compile("AIRBP IRC DREUX"))
    page.get_by_label(label("Type de fonction")).fill("Médecin")
    page.get_by_label(label("Service d'exercice")).fill("Oncologie")
    check(page, "inscription-etablissement", screenshot=True)
    page.get_by_role("button", name="Étape suivante").click()

    # Interests are optional; the DCC is asked for later, from "Vos applications".
    expect(page).to_have_url(re.compile(r"/inscription/centres-interet/$"))
    check(page, "inscription-centres-interet")
    page.get_by_role("button", name="Étape suivante").click()

    expect(page).to_have_url(re.compile(r"/inscription/recapitulatif/$"))
    check(page, "inscription-recapitulatif", screenshot=True)
    # Sent without the proof of work (widget taken out): the error page. Then Chromium solves
    # the ALTCHA challenge of the new page by itself.
    page.evaluate("document.querySelector('altcha-widget').remove()")
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    expect(page.get_by_text("Attendez la fin de la vérification anti-robot").first).to_be_visible()
    check(page, "inscription-recapitulatif-erreur")
    expect(page.locator('input[name="captcha"]')).to_have_value(
        re.compile(r"^[A-Za-z0-9+/=]{100,}$"), timeout=30_000
    )
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    expect(page.get_by_text(THANKS)).to_be_visible()
    check(page, "inscription-merci")


def review(page, stack, mailbox, check):
    """The reviewer (demo account, mail code) validates the request."""
    sign_in_with_mail_code(
        page,
        mailbox,
        "gestionnaire",
        stack.staff_passwords["gestionnaire"],
        "gestionnaire@kiosque.localhost",
    )
    page.get_by_role("link", name="Gestion", exact=True).click()
    check(page, "gestion-demandes", screenshot=True)
    page.get_by_role("link", name="DUPONT Nathalie").click()
    expect(page.get_by_role("heading", name="Comparaison avec l'Annuaire Santé")).to_be_visible()
    check(page, "gestion-demande", screenshot=True)
    page.get_by_label("Valider").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("le compte « ndupont » est créé")).to_be_visible()
    check(page, "gestion-demande-validee")
    sign_out(page)


def first_sign_in(page, mailbox, credentials, check) -> str:
    """Temporary password → mail code → forced change with the generator (the second factor
    first: the temporary password alone never sets the permanent one). Returns the new
    password."""
    text = body(credentials)
    login = re.search(r"Identifiant : (\S+)", text).group(1)
    temporary = re.search(r"Mot de passe temporaire : (\S+)", text).group(1)
    portal = re.search(r"Accéder au portail : (\S+)", text).group(1)
    assert login == "ndupont"

    mailbox.mark()
    page.goto(portal)
    check(page, "connexion", screenshot=True)
    submit_password(page, login, "pas-le-bon-mot-de-passe")
    check(page, "connexion-erreur")
    submit_password(page, login, temporary)
    enter_mail_code(page, mailbox, EMAIL, check)
    expect(page.get_by_role("heading", name="Changez votre mot de passe")).to_be_visible()
    check(page, "nouveau-mot-de-passe", screenshot=True)
    page.get_by_role("button", name="Envoyer").click()
    check(page, "nouveau-mot-de-passe-erreur")
    page.get_by_role("button", name="Générer le mot de passe automatiquement").click()
    chosen = page.get_by_label(label("Nouveau mot de passe")).input_value()
    assert len(chosen) >= 12
    expect(page.get_by_label(label("Confirmation du nouveau mot de passe"))).to_have_value(chosen)
    check(page, "nouveau-mot-de-passe-genere")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", name="Vos applications")).to_be_visible()
    expect(page.get_by_text("Connecté en tant que DUPONT Nathalie")).to_be_visible()
    return chosen


def ask_for_the_dcc(page, check):
    check(page, "vos-applications", screenshot=True)
    page.get_by_role("link", name="DCC Inscription").click()
    expect(
        page.get_by_role("heading", name="Inscription au Dossier Communicant de Cancérologie")
    ).to_be_visible()
    check(page, "demande-acces-dcc", screenshot=True)
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    check(page, "demande-acces-dcc-erreur")
    page.get_by_label(label("Téléphone professionnel")).fill("02 47 47 47 47")
    page.get_by_role("radio", name="Salarié").check()
    page.get_by_role("group", name=re.compile("Confirmez-vous")).get_by_label("Oui").check()
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    expect(page.get_by_role("heading", name="MERCI !")).to_be_visible()
    check(page, "demande-acces-merci")
    page.get_by_role("link", name="Retour au formulaire").click()
    expect(page.get_by_text("En attente")).to_be_visible()
    sign_out(page)


def referent_grants(page, stack, mailbox, check):
    sign_in_with_mail_code(
        page,
        mailbox,
        "referent.dcc",
        stack.staff_passwords["referent.dcc"],
        "referent.dcc@kiosque.localhost",
    )
    page.get_by_role("link", name="Demandes d'accès à traiter (référent)").click()
    check(page, "referent-demandes", screenshot=True)
    page.get_by_role("link", name="DUPONT Nathalie").click()
    expect(page.get_by_text("02 47 47 47 47")).to_be_visible()
    check(page, "referent-demande", screenshot=True)
    page.get_by_label("Participant aux RCP").check()
    page.get_by_label(re.compile("Confirmer l'appartenance du demandeur à : OncoCentre")).check()
    page.get_by_role("button", name="Accorder", exact=True).click()
    expect(page.get_by_text("L'accès a été accordé.")).to_be_visible()
    check(page, "referent-demande-accordee")
    sign_out(page)


def open_the_dcc_and_sign_out(page, stack, check):
    """Signed in with TOTP, the level the DCC requires: its tile opens it at once."""
    page.goto("/applications/")
    mine = page.locator("section", has=page.get_by_role("heading", name="Vos applications"))
    check(page, "vos-applications-dcc", screenshot=True)
    mine.get_by_role("link", name="DCC", exact=True).click()
    # The tile's initiate-login signs her in: no "Se connecter" click on the DCC.
    page.wait_for_url(f"{stack.rp}/")
    expect(page.get_by_role("heading", name="Mes RCP")).to_be_visible()
    expect(page.locator("#who")).to_contain_text("Nathalie")
    expect(page.locator("#national-id")).to_contain_text("810000000009")
    expect(page.locator("#roles")).to_contain_text("Participant aux RCP")
    expect(page.get_by_role("table", name="Vos prochaines RCP")).to_be_visible()
    check(page, "dcc-demo-mes-rcp")
    page.screenshot(path=str(_shot("dcc-demo-desktop")))

    page.goto("/applications/")
    sign_out(page)
    page.goto(f"{stack.rp}/")
    expect(page.get_by_text("Vous n'êtes pas connecté(e).")).to_be_visible()
    check(page, "dcc-demo-accueil")


def _shot(name):
    from tests.journey.checks import screenshot_dir

    directory = screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{name}.png"


def enrol_totp(page, mailbox, password, check) -> pyotp.TOTP:
    sign_in_with_mail_code(page, mailbox, "ndupont", password, EMAIL)
    # The DCC requires TOTP or stronger: a mail-code session sees it on the tile.
    expect(page.locator("#tuile-dcc")).to_contain_text("Authentification plus forte demandée")
    page.get_by_role("link", name="Gestionnaire 2ndFA").click()
    check(page, "second-facteur-gestion")
    page.get_by_role("link", name="Ajouter").click()
    heading = "Votre nouvelle clef TOTP. Testez-la et entrez le code"
    expect(page.get_by_text(heading)).to_be_visible()
    check(page, "second-facteur-ajout", screenshot=True)
    key = page.locator("#totp-key").inner_text()
    authenticator = pyotp.TOTP(key.replace(" ", ""))
    page.get_by_label("② Choisissez un nom pour votre périphérique TOTP").fill("MyTOTP")
    page.get_by_label("③ Recopiez le code affiché par votre application").fill("000000")
    page.get_by_role("button", name="Enregistrer").click()
    check(page, "second-facteur-ajout-erreur")
    page.get_by_label("③ Recopiez le code affiché par votre application").fill(authenticator.now())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre second facteur a été enregistré")).to_be_visible()
    check(page, "second-facteur-enregistre")
    sign_out(page)
    return authenticator


def sign_in_with_totp(page, password, authenticator, check):
    submit_password(page, "ndupont", password)
    expect(page.get_by_role("heading", name="Choisissez votre second facteur")).to_be_visible()
    check(page, "second-facteur-choix", screenshot=True)
    page.get_by_role("button", name="Application OTP").click()
    expect(page.get_by_role("heading", name="Code de votre application OTP")).to_be_visible()
    check(page, "second-facteur-totp")
    page.get_by_label("Code").fill(authenticator.at(time.time() + 30))  # enrolment code spent
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Vos applications")).to_be_visible()


def connection_history(page, check):
    page.get_by_role("link", name="Historique des connexions").click()
    table = page.get_by_role("table")
    expect(table).to_be_visible()
    check(page, "historique-connexions", screenshot=True)
    rows = table.locator("tbody tr")
    assert rows.count() >= 4
    assert "Application d'authentification (TOTP)" in rows.nth(0).inner_text()
    assert "Code par mail" in rows.nth(1).inner_text()


def test_the_whole_journey(page, stack, mailbox, check):
    register(page, check)
    mailbox.wait(EMAIL, "Nous étudions votre demande")

    mailbox.mark()
    review(page, stack, mailbox, check)
    credentials = mailbox.wait(EMAIL, "Votre compte est créé")

    password = first_sign_in(page, mailbox, credentials, check)
    ask_for_the_dcc(page, check)
    referent_grants(page, stack, mailbox, check)
    authenticator = enrol_totp(page, mailbox, password, check)
    sign_in_with_totp(page, password, authenticator, check)
    connection_history(page, check)
    open_the_dcc_and_sign_out(page, stack, check)
    check.verify()
    assert page.console_errors == []
