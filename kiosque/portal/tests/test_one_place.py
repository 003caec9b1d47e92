"""The menu's "Vos applications", the home page and the sign-in lead to the same tiles."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_of_a_signed_in_user_is_vos_applications(client, dcc, make_user, grant):
    user = make_user()
    grant(user, dcc)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    html = client.get(response["Location"]).content.decode()
    assert 'href="/applications/dcc/ouvrir/"' in html  # the granted DCC's tile
    assert "apparaîtront ici" not in html


def test_the_menu_and_the_sign_in_lead_to_the_tiles(client, make_user):
    client.force_login(make_user())
    html = client.get(reverse("portal:home")).content.decode()
    menu = re.search(r'<a href="([^"]+)">Vos applications</a>', html)
    assert menu and menu.group(1) == reverse("portal:home")
    assert reverse("portal:home") == settings.LOGIN_REDIRECT_URL


def test_signed_out_home_page_still_offers_both_entry_points(client):
    html = client.get("/").content.decode()
    assert "Se connecter" in html and "Créer un compte" in html
