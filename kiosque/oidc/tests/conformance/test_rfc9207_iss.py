"""RFC 9207: `iss` in every authorization response, errors included."""

import pytest
import requests

from kiosque.oidc.models import Client
from kiosque.oidc.tests.conformance.helpers import authorization_url, query_of, relying_party

pytestmark = pytest.mark.django_db(transaction=True)


def _check(response, provider, rp, error):
    params = query_of(response)
    assert params["error"] == error
    assert params["iss"] == provider
    assert params["state"] == rp.state
    assert "code" not in params


def test_login_required_of_prompt_none_without_session(provider, make_client):
    client, secret = make_client()
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, prompt="none")
    response = requests.get(url, allow_redirects=False, timeout=10)
    _check(response, provider, rp, "login_required")


def test_login_required_without_session_on_a_posted_request(provider, make_client):
    client, secret = make_client()
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, prompt="none")
    endpoint, _, query = url.partition("?")
    response = requests.post(
        endpoint,
        data=query,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=10,
    )
    _check(response, provider, rp, "login_required")


def test_unauthorized_client(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    Client.objects.filter(pk=client.pk).update(grant_types=["client_credentials"])
    user = make_user()
    grant(user, client)
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider)
    _check(signed_in(user).get(url, allow_redirects=False, timeout=10), provider, rp,
           "unauthorized_client")  # fmt: skip


def test_invalid_scope(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    rp = relying_party(client, secret, scope="openid admin")
    url, _ = authorization_url(rp, provider)
    _check(signed_in(user).get(url, allow_redirects=False, timeout=10), provider, rp,
           "invalid_scope")  # fmt: skip


def test_pkce_invalid_request_of_a_public_client(
    provider, make_user, make_client, grant, signed_in
):
    client, _ = make_client(auth_method="none")
    user = make_user()
    grant(user, client)
    rp = relying_party(client)
    url, _ = authorization_url(rp, provider, pkce=False)
    _check(signed_in(user).get(url, allow_redirects=False, timeout=10), provider, rp,
           "invalid_request")  # fmt: skip
