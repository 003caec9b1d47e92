""" "Vos applications" (GET /applications/): a fixed number of queries whatever the catalogue
and the requests, and tiles cached under what they show, never under a user or a token."""

import re

import pytest
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client
from django.utils import translation

from kiosque.mfa import levels
from kiosque.portal.models import AccessRequest, RequestField, TilePreference
from kiosque.portal.services import catalogue

pytestmark = pytest.mark.django_db

# The session, the user, the user's groups (the menu, the referent link), the catalogue with
# the user's grants, their tile preferences, their requests.
QUERIES = 6
# + the form fields of the applications whose registration request awaits its form.
QUERIES_AWAITING_FORM = 7

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(user, client=None):
    client = client or Client()
    client.force_login(user)
    return client, client.get("/applications/")


def _catalogue_of(make_application, grant, user, size):
    """`size` applications the user opens, `size` they may ask for, a request on each of
    these (one of them opened at registration, its form still to fill in), and one on an
    application since withdrawn."""
    for number in range(size):
        application = make_application(f"ouverte{size}-{number}", position=number)
        grant(user, application)
        TilePreference.objects.create(user=user, application=application, position=number)
    for number in range(size):
        application = make_application(f"demande{size}-{number}")
        RequestField.objects.create(application=application, key="rpps", label="RPPS")
        AccessRequest.objects.create(
            user=user,
            application=application,
            status=AccessRequest.Status.REFUSED if number else AccessRequest.Status.PENDING,
            source=AccessRequest.Source.REGISTRATION,
        )
    withdrawn = make_application(f"retiree{size}", is_active=False)
    AccessRequest.objects.create(
        user=user, application=withdrawn, status=AccessRequest.Status.REFUSED
    )


@pytest.mark.parametrize("size", [2, 6])
def test_queries_do_not_grow_with_the_catalogue_nor_the_requests(
    make_user, make_application, grant, django_assert_num_queries, size
):
    user = make_user()
    _catalogue_of(make_application, grant, user, size)
    client = Client()
    client.force_login(user)
    with django_assert_num_queries(QUERIES_AWAITING_FORM):
        page = client.get("/applications/").content.decode()
    assert page.count('class="tile portal-tile') == size
    assert page.count("Formulaire à compléter") == 1
    assert f'href="/applications/retiree{size}/demande/">RETIREE{size}</a>' in page


def test_queries_of_a_user_without_requests(make_user, make_application, grant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user()
    grant(user, make_application("dcc"))
    make_application("sphere")
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get("/applications/")
    assert len(queries) == QUERIES, [q["sql"] for q in queries]


def _tiles_fragment(user, session_level=None, language="fr"):
    key = catalogue.for_user(user, session_level).tiles_key
    return caches["template_fragments"].get(
        make_template_fragment_key("portal_tiles", [language, key])
    )


def test_the_tiles_are_cached_without_any_token(make_user, make_application, grant):
    user = make_user()
    grant(user, make_application("dcc", name="DCC"))
    make_application("sphere", name="Sphere")
    _client, response = _page(user)
    fragment = _tiles_fragment(user)
    assert fragment is not None and 'id="tuile-dcc"' in fragment
    assert 'id="inscription-sphere"' in fragment
    assert fragment in response.content.decode()
    assert "csrfmiddlewaretoken" not in fragment
    assert user.username not in fragment and user.last_name not in fragment


def test_each_user_posts_with_their_own_token_from_a_shared_fragment(
    make_user, make_application, grant
):
    """Two users with the same tiles: the second page comes from the first one's fragment,
    and its buttons still submit the second user's own token (form= and formaction=)."""
    application = make_application("dcc", name="DCC")
    for user in (make_user(), make_user()):
        grant(user, application)
        client, response = _page(user, Client(enforce_csrf_checks=True))
        page = response.content.decode()
        assert '<form id="portal-tile-action" method="post" hidden>' in page
        button = re.search(
            r'<button type="submit" form="portal-tile-action" formaction="([^"]+)"', page
        )
        assert button.group(1) == "/applications/dcc/favori/"
        token = TOKEN_RE.search(page).group(1)
        assert client.post(button.group(1), {"csrfmiddlewaretoken": token}).status_code == 302
        assert TilePreference.objects.get(user=user, application=application).is_favourite


def test_a_change_of_the_catalogue_is_shown_at_once(make_user, make_application, grant):
    user = make_user()
    application = make_application("dcc", name="DCC")
    grant(user, application)
    client, response = _page(user)
    assert "<span>DCC</span>" in response.content.decode()
    application.name = "Dossier communicant"
    application.tile = "portal/tiles/sphere.svg"
    application.save()
    page = client.get("/applications/").content.decode()
    assert "<span>Dossier communicant</span>" in page and "<span>DCC</span>" not in page
    assert "portal/tiles/sphere" in page


def test_a_request_decided_is_shown_at_once(make_user, make_application):
    user = make_user()
    application = make_application("sphere", name="Sphere")
    access_request = AccessRequest.objects.create(user=user, application=application)
    client, response = _page(user)
    assert "portal-status--pending" in response.content.decode()
    access_request.status = AccessRequest.Status.REFUSED
    access_request.save()
    page = client.get("/applications/").content.decode()
    assert "portal-status--refused" in page and "portal-status--pending" not in page


def test_the_tiles_follow_the_language(make_user, make_application, grant):
    user = make_user()
    grant(user, make_application("dcc", name="DCC"))
    client, response = _page(user)
    assert "Favori : DCC" in response.content.decode()
    # LocaleMiddleware leaves the thread in English: override() puts the language back after.
    with translation.override("fr"):
        client.post("/i18n/setlang/", {"language": "en", "next": "/applications/"})
        english = client.get("/applications/").content.decode()
    assert "Favourite: DCC" in english and "Favori : DCC" not in english
    assert _tiles_fragment(user, language="en") is not None


def test_the_tiles_key_names_what_they_show(make_user, make_application, grant):
    user = make_user()
    grant(user, make_application("dcc", name="DCC", required_level=levels.TOTP))
    weaker = catalogue.for_user(user, levels.MAIL_CODE).tiles_key
    assert weaker != catalogue.for_user(user, levels.TOTP).tiles_key
    TilePreference.objects.create(
        user=user, application=user.access_grants.get().application, is_favourite=True
    )
    assert weaker != catalogue.for_user(user, levels.MAIL_CODE).tiles_key
