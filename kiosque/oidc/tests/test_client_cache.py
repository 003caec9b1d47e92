"""The provider serves its clients from the client registry: a change is seen at once."""

from kiosque.oidc.tests.conftest import authorize, redirect_params


def test_a_client_changed_between_two_requests_is_seen_by_the_next(
    provider, make_user, make_client, grant, signed_in
):
    user = make_user()
    client, _secret = make_client()
    grant(user, client)
    browser = signed_in(user)
    assert "code" in redirect_params(authorize(browser, provider, client))
    client.redirect_uris = ["https://elsewhere.example.org/callback"]
    client.save()
    response = authorize(browser, provider, client)
    assert response.status_code == 400
    assert "Location" not in response.headers
