"""A tile opens its application signed in: the initiate-login address (OIDC Core §4)."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def _open(client, user, application):
    client.force_login(user)
    return client.get(f"/applications/{application.slug}/ouvrir/")


def test_without_initiate_login_uri_the_tile_opens_the_launch_address(
    client, make_user, make_application, grant
):
    user, application = make_user(), make_application()
    grant(user, application)
    response = _open(client, user, application)
    assert response.status_code == 302
    assert response["Location"] == application.launch_url


def test_the_tile_sends_iss_and_target_link_uri_to_the_initiate_login_uri(
    client, make_user, make_application, grant, settings
):
    settings.KIOSQUE_BASE_URL = "https://portail.example.fr"
    application = make_application(
        launch_url="https://dcc.example.org/rcp/",
        initiate_login_uri="https://dcc.example.org/initiate-login",
    )
    user = make_user()
    grant(user, application)
    location = urlsplit(_open(client, user, application)["Location"])
    assert (location.scheme, location.netloc, location.path) == (
        "https",
        "dcc.example.org",
        "/initiate-login",
    )
    assert parse_qs(location.query) == {
        "iss": ["https://portail.example.fr"],
        "target_link_uri": ["https://dcc.example.org/rcp/"],
    }


def test_the_initiate_login_uri_keeps_its_own_query_but_not_a_forged_iss(
    client, make_user, make_application, grant, settings
):
    settings.KIOSQUE_BASE_URL = "https://portail.example.fr"
    application = make_application(
        launch_url="",
        initiate_login_uri="https://app.example.org/sso?tenant=cvl&iss=https://evil.example",
    )
    user = make_user()
    grant(user, application)
    query = parse_qs(urlsplit(_open(client, user, application)["Location"]).query)
    assert query == {"tenant": ["cvl"], "iss": ["https://portail.example.fr"]}


def test_no_access_no_launch_even_with_an_initiate_login_uri(client, make_user, make_application):
    application = make_application(initiate_login_uri="https://app.example.org/initiate-login")
    assert _open(client, make_user(), application).status_code == 404


def test_the_demo_dcc_tile_has_an_initiate_login_uri(dcc, settings):
    assert dcc.initiate_login_uri == f"{settings.KIOSQUE_DCC_DEMO_URL}/initiate-login"
    assert dcc.launch_url == f"{settings.KIOSQUE_DCC_DEMO_URL}/"


def test_the_back_office_edits_the_initiate_login_uri(admin_client, dcc):
    html = admin_client.get(f"/gestion/admin/portal/application/{dcc.pk}/change/").content
    assert b'name="initiate_login_uri"' in html
