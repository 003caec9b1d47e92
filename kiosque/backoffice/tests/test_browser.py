"""In Chromium: a reviewer validates a request and the credentials e-mail reaches the dev
mailbox."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from playwright.sync_api import expect

from kiosque.backoffice.tests.factories import (
    make_annuaire_person,
    make_registration,
    make_reviewer,
)
from kiosque.mail.delivery import deliver_due

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in(page, live_server, user):
    """Inject the session of Django's force_login into the browser context."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@override_settings(
    EMAIL_BACKEND="kiosque.mail.backends.DevMailboxBackend", KIOSQUE_DEV_MAILBOX=True
)
@pytest.mark.usefixtures("reference_data")
def test_reviewer_validates_and_credentials_reach_the_mailbox(page, live_server):
    make_annuaire_person()
    registration = make_registration(email_auth="nathalie.dupont@chu-tours.fr")
    sign_in(page, live_server, make_reviewer("rgestion"))

    page.goto("/gestion/")
    expect(page.get_by_text("1 demande")).to_be_visible()
    page.get_by_role("link", name="DUPONT Nathalie").click()
    expect(page.get_by_role("heading", name="Comparaison avec l'Annuaire Santé")).to_be_visible()
    expect(page.get_by_text("discordant", exact=True)).to_have_count(0)
    expect(page.get_by_text("concordant", exact=True).first).to_be_visible()
    page.get_by_label("Valider").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("le compte « ndupont » est créé")).to_be_visible()

    assert deliver_due().sent == 1
    page.goto("/dev/mailbox/")
    expect(page.get_by_text("Votre compte est créé").first).to_be_visible()
    expect(page.get_by_text("Identifiant : ndupont").first).to_be_visible()
    expect(page.get_by_text(registration.email_auth).first).to_be_visible()
