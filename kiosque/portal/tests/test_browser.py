"""In Chromium: a user asks for the DCC, the DCC referent grants it, the DCC tile appears."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from kiosque.portal.services.access import granted_roles, has_access

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    """Inject the session of Django's force_login into the browser context."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_request_grant_and_tile(page, live_server, dcc, make_user, make_referent):
    referent = make_referent(dcc)
    user = make_user(first_name="Nathalie", last_name="Petit")

    sign_in(page, live_server, user)
    page.goto("/applications/")
    expect(page.get_by_role("heading", name="Demandes d'accès")).to_be_visible()
    page.get_by_role("link", name="DCC Inscription").click()
    expect(
        page.get_by_role("heading", name="Inscription au Dossier Communicant de Cancérologie")
    ).to_be_visible()
    page.get_by_label("Téléphone professionnel").fill("02 47 47 47 47")
    page.get_by_role("radio", name="Salarié").check()
    page.get_by_role("group", name=re.compile("Confirmez-vous")).get_by_label("Oui").check()
    page.get_by_role("button", name="DEMANDER MON INSCRIPTION").click()
    expect(page.get_by_role("heading", name="MERCI !")).to_be_visible()
    page.get_by_role("link", name="Retour au formulaire").click()
    expect(page.get_by_text("En attente")).to_be_visible()

    sign_in(page, live_server, referent)
    page.goto("/applications/referent/")
    page.get_by_role("link", name="PETIT Nathalie").click()
    expect(page.get_by_text("02 47 47 47 47")).to_be_visible()
    page.get_by_label("Participant aux RCP").check()
    page.get_by_label(re.compile("Confirmer l'appartenance du demandeur à : OncoCentre")).check()
    page.get_by_role("button", name="Accorder", exact=True).click()
    expect(page.get_by_text("L'accès a été accordé.")).to_be_visible()

    assert has_access(user, dcc)
    assert granted_roles(user, dcc) == ["participant-rcp"]

    sign_in(page, live_server, user)
    page.goto("/applications/")
    mine = page.locator("section", has=page.get_by_role("heading", name="Vos applications"))
    # the DCC requires TOTP or stronger: the tile says so to this mail-code session
    tile = mine.get_by_role("link", name="DCC Authentification plus forte demandée", exact=True)
    expect(tile).to_be_visible()
    expect(tile).to_have_attribute("href", "/applications/dcc/ouvrir/")
    expect(page.get_by_role("link", name="DCC Inscription")).to_have_count(0)


def test_the_tile_buttons_submit_their_shared_form(
    page, live_server, make_user, make_application, grant
):
    """The tiles' buttons sit outside any form (their fragment is cached without a token) and
    submit the page's one form through form= and formaction=, without JavaScript."""
    user = make_user()
    for slug in ("alpha", "beta"):
        grant(user, make_application(slug))
    sign_in(page, live_server, user)
    page.goto("/applications/")
    page.get_by_role("button", name="Descendre ALPHA").click()
    expect(page).to_have_url(re.compile(r"/applications/#tuile-alpha$"))
    tiles = page.locator(".portal-tile")
    expect(tiles.first).to_have_attribute("id", "tuile-beta")
    page.get_by_role("button", name="Favori : ALPHA").click()
    expect(page.get_by_role("button", name="Favori : ALPHA")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(tiles.first).to_have_attribute("id", "tuile-alpha")
