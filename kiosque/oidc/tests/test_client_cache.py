"""The authorization endpoint reads its client once per request, and never across requests."""

from kiosque.oidc.tests.conftest import authorize, redirect_params
from kiosque.oidc.validator import clients_cached_for_this_request, load_client


def test_a_client_is_read_once_within_a_request(make_client, django_assert_num_queries):
    client, _secret = make_client()
    client_id = client.oauth_application.client_id
    with clients_cached_for_this_request(), django_assert_num_queries(1):
        first = load_client(client_id)
        again = load_client(client_id)
        assert first.kiosque_client.application.slug == client.application.slug  # joined
    assert again is first


def test_outside_a_request_each_read_goes_to_the_database(make_client, django_assert_num_queries):
    client, _secret = make_client()
    client_id = client.oauth_application.client_id
    with django_assert_num_queries(2):
        load_client(client_id)
        load_client(client_id)


def test_an_unknown_client_is_none_and_remembered_as_such(db, django_assert_num_queries):
    with clients_cached_for_this_request(), django_assert_num_queries(1):
        assert load_client("nobody") is None
        assert load_client("nobody") is None


def test_a_client_changed_between_two_requests_is_seen_by_the_next(
    provider, make_user, make_client, grant, signed_in
):
    user = make_user()
    client, _secret = make_client()
    grant(user, client)
    browser = signed_in(user)
    assert "code" in redirect_params(authorize(browser, provider, client))
    application = client.oauth_application
    application.redirect_uris = "https://elsewhere.example.org/callback"
    application.save()
    response = authorize(browser, provider, client)
    assert response.status_code == 400
    assert "Location" not in response.headers
