"""Reordering and favourites on "Vos applications", without JavaScript."""

import pytest

from kiosque.portal.services.access import applications_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_user, make_application, grant):
    user = make_user()
    apps = [make_application(f"tuile{i}", position=i) for i in range(3)]
    for application in apps:
        grant(user, application)
    return user, apps


def slugs(user):
    return [application.slug for application in applications_for(user)]


def test_move_down_and_up(client, three):
    user, _apps = three
    client.force_login(user)
    response = client.post("/applications/tuile0/deplacer/", {"direction": "down"})
    assert response.status_code == 302
    assert response["Location"] == "/applications/#tuile-tuile0"
    assert slugs(user) == ["tuile1", "tuile0", "tuile2"]
    client.post("/applications/tuile2/deplacer/", {"direction": "up"})
    assert slugs(user) == ["tuile1", "tuile2", "tuile0"]
    client.post("/applications/tuile1/deplacer/", {"direction": "up"})  # already first
    assert slugs(user) == ["tuile1", "tuile2", "tuile0"]


def test_favourite_goes_first_and_stays_stable(client, three):
    user, _apps = three
    client.force_login(user)
    client.post("/applications/tuile2/favori/")
    assert slugs(user) == ["tuile2", "tuile0", "tuile1"]
    html = client.get("/applications/").content.decode()
    assert 'aria-pressed="true"' in html
    # A non-favourite cannot jump above a favourite.
    client.post("/applications/tuile0/deplacer/", {"direction": "up"})
    assert slugs(user) == ["tuile2", "tuile0", "tuile1"]
    client.post("/applications/tuile2/favori/")
    assert slugs(user) == ["tuile2", "tuile0", "tuile1"]
    assert 'aria-pressed="true"' not in client.get("/applications/").content.decode()


def test_order_is_per_user(client, three, make_user, grant):
    user, apps = three
    other = make_user()
    for application in apps:
        grant(other, application)
    client.force_login(user)
    client.post("/applications/tuile0/deplacer/", {"direction": "down"})
    assert slugs(other) == ["tuile0", "tuile1", "tuile2"]


def test_get_does_not_reorder(client, three):
    user, _apps = three
    client.force_login(user)
    assert client.get("/applications/tuile0/deplacer/?direction=down").status_code == 405
    assert slugs(user) == ["tuile0", "tuile1", "tuile2"]


def test_cannot_reorder_an_application_one_cannot_open(client, three, make_application):
    user, _apps = three
    make_application("cachee")
    client.force_login(user)
    response = client.post("/applications/cachee/favori/", follow=True)
    assert "ne fait pas partie de vos applications" in response.content.decode()


def test_the_page_has_move_buttons_but_not_at_the_ends(client, three):
    user, _apps = three
    client.force_login(user)
    html = client.get("/applications/").content.decode()
    assert "Monter TUILE0" not in html and "Descendre TUILE0" in html
    assert "Monter TUILE2" in html and "Descendre TUILE2" not in html
