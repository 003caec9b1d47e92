"""The layout's `{% cache %}` fragments (base.html, core/_nav.html, the login page): kept once
per language and configuration, never holding what belongs to one visitor (CSRF token,
address, name, role, typed values)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client

from kiosque.accounts import roles

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def layout_key(settings) -> str:
    from kiosque.mail import app_settings as mail_settings

    return f"{settings.KIOSQUE_ENV}:{mail_settings.DEV_MAILBOX}:/:{settings.KIOSQUE_PLATFORM_NAME}"


def test_the_login_page_keeps_its_fixed_parts_once_per_language(client, settings):
    fragments = caches["template_fragments"]
    fragments.clear()
    client.get("/connexion/")
    key = layout_key(settings)
    header = fragments.get(make_template_fragment_key("layout-header", ["fr", key, False]))
    assert header is not None and 'href="/connexion/">Se connecter</a>' in header
    form = fragments.get(make_template_fragment_key("login-form", ["fr", key]))
    assert form is not None and 'autocomplete="current-password"' in form
    assert fragments.get(make_template_fragment_key("layout-header", ["en", key, False])) is None


def test_each_language_gets_its_own_copy():
    french, english = Client(), Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(2):
        assert "Mot de passe" in french.get("/connexion/").content.decode()
        html = english.get("/connexion/").content.decode()
        assert '<html lang="en">' in html and "Password" in html and "Mot de passe" not in html


def test_every_visitor_gets_their_own_csrf_token_and_it_is_accepted():
    tokens = set()
    for address in ("10.9.0.1", "10.9.0.2"):
        browser = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        page = browser.get("/connexion/").content.decode()
        found = set(CSRF.findall(page))
        assert len(found) == 1  # the login form, the passkey form, the language switch
        (token,) = found
        tokens.add(browser.cookies["csrftoken"].value)
        answer = browser.post("/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en"})
        assert answer.status_code == 302
    assert len(tokens) == 2


def test_the_address_and_next_are_the_requests_own(client):
    first = client.get("/connexion/?next=/applications/a/").content.decode()
    second = client.get("/connexion/?next=/applications/b/").content.decode()
    assert first.count('name="next" value="/applications/a/"') == 2
    assert 'name="next" value="/connexion/?next=/applications/a/"' in first
    assert "/applications/a/" not in second
    assert second.count('name="next" value="/applications/b/"') == 2


def test_a_posted_form_is_never_taken_from_the_copy(client):
    client.get("/connexion/")
    posted = client.post("/connexion/", {"username": "quelquun", "password": ""}).content
    assert 'value="quelquun"' in posted.decode() and "Saisissez votre mot de passe" in (
        posted.decode()
    )
    again = client.get("/connexion/").content.decode()
    assert "quelquun" not in again and "Saisissez votre mot de passe" not in again


def test_the_signed_in_navigation_is_each_users_own(django_user_model):
    manager = django_user_model.objects.create_user(
        "gmanager", password="x", first_name="Gaëlle", last_name="Martin"
    )
    manager.groups.add(Group.objects.get_or_create(name=roles.ACCOUNT_MANAGERS)[0])
    plain = django_user_model.objects.create_user(
        "pdurand", password="x", first_name="Paul", last_name="Durand"
    )
    pages = {}
    for account in (manager, plain, manager):
        browser = Client()
        browser.force_login(account)
        pages[account.username] = browser.get("/compte/").content.decode()
    assert "Connecté en tant que MARTIN Gaëlle" in pages["gmanager"]
    assert "Connecté en tant que DURAND Paul" in pages["pdurand"]
    assert 'href="/gestion/' in pages["gmanager"].split("</nav>")[0]
    assert 'href="/gestion/' not in pages["pdurand"].split("</nav>")[0]


def test_a_change_of_configuration_is_never_served_from_an_old_copy(client, settings):
    settings.KIOSQUE_PLATFORM_NAME = "Kiosque A"
    assert "Kiosque A" in client.get("/connexion/").content.decode()
    settings.KIOSQUE_PLATFORM_NAME = "Kiosque B"
    html = client.get("/connexion/").content.decode()
    assert "Kiosque B" in html and "Kiosque A" not in html


def test_a_re_authentication_shows_its_login_and_notice_not_the_copy(django_user_model):
    import time

    from kiosque.accounts.flows import reauthentication

    account = django_user_model.objects.create_user("rdupuis", password="x")
    Client().get("/connexion/")  # the empty form is kept
    browser = Client()
    browser.force_login(account)
    session = browser.session
    session[reauthentication.SESSION_KEY] = {"at": time.time(), "user_id": account.pk}
    session.save()
    html = browser.get("/connexion/").content.decode()
    assert 'value="rdupuis"' in html and "authentifiiez de nouveau" in html
    anonymous = Client().get("/connexion/").content.decode()
    assert "rdupuis" not in anonymous and "authentifiiez de nouveau" not in anonymous
