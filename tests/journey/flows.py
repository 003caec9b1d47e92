"""Steps a person takes in the browser, by the French accessible names of the pages."""

import re
import time

from playwright.sync_api import expect

from tests.journey.mailbox import mail_code

CODE_HEADING = "Un code vous a été envoyé par mail, entrez-le ici"


def label(text):
    """A label's exact text, whatever follows it (the asterisk of required fields)."""
    return re.compile(rf"^{re.escape(text)}\s*\*?$")


def submit_password(page, identifier: str, password: str) -> None:
    page.get_by_label(label("Identifiant ou mail")).fill(identifier)
    page.get_by_label(label("Mot de passe")).fill(password)
    page.get_by_role("button", name="Se connecter", exact=True).click()


def enter_mail_code(page, mailbox, email: str, check=None) -> None:
    """On the code page: the code from the latest mail (asks for a new one if the previous
    sign-in's code was sent less than a minute ago), then "Se connecter"."""
    expect(page.get_by_role("heading", name=CODE_HEADING)).to_be_visible()
    if check:
        check(page, "second-facteur-mail")
    message = None
    deadline = time.monotonic() + 120  # a new code is refused within 60 s of the last one
    while message is None:
        try:
            message = mailbox.wait(email, "Code d'authentification", timeout=5)
        except AssertionError:
            assert time.monotonic() < deadline, "no authentication code arrived"
            page.get_by_role("button", name="Renvoyer un code").click()
    page.get_by_label("Code").fill(mail_code(message))
    page.get_by_role("button", name="Se connecter").click()


def sign_in_with_mail_code(page, mailbox, identifier, password, email) -> None:
    mailbox.mark()
    page.goto("/connexion/")
    submit_password(page, identifier, password)
    enter_mail_code(page, mailbox, email)
    expect(page.get_by_role("button", name="Déconnexion")).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Déconnexion").click()
    expect(page.get_by_role("heading", name="Veuillez vous authentifier")).to_be_visible()
