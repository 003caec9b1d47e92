"""RFC 6749 §2.3, §4.1.3 and §5.2 at the token, introspection and revocation endpoints."""

import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError

from kiosque.oidc.tests.conformance.helpers import authorization_url, query_of, relying_party
from kiosque.oidc.tests.conftest import REDIRECT_URI, token_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    return provider, client, secret, signed_in(user)


def _code(provider, rp, browser):
    url, verifier = authorization_url(rp, provider)
    response = browser.get(url, allow_redirects=False, timeout=10)
    return query_of(response)["code"], verifier, response.headers["Location"]


@pytest.mark.parametrize(
    "grant_type",
    [
        "urn:ietf:params:oauth:grant-type:device_code",
        "password",
        "implicit",
        "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "urn:ietf:params:oauth:grant-type:token-exchange",
        "made-up",
    ],
)
def test_5_2_grant_not_offered_is_unsupported_grant_type(setup, grant_type):
    provider, client, secret, _browser = setup
    reply = token_request(provider, {"grant_type": grant_type}, auth=(client.client_id, secret))
    assert reply.status_code == 400
    assert reply.json()["error"] == "unsupported_grant_type"


def test_5_2_missing_grant_type_is_invalid_request(setup):
    provider, client, secret, _browser = setup
    reply = token_request(provider, {}, auth=(client.client_id, secret))
    assert reply.json()["error"] == "invalid_request"


def test_4_1_3_redirect_uri_sent_at_authorize_is_required_at_the_token_request(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    code, verifier, _location = _code(provider, rp, browser)
    reply = token_request(
        provider,
        {"grant_type": "authorization_code", "code": code, "code_verifier": verifier},
        auth=(client.client_id, secret),
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"
    # Authlib's client sends it: the same code is still good.
    token = rp.fetch_token(f"{provider}/oidc/token/", code=code, code_verifier=verifier)
    assert token["access_token"]


def test_2_3_two_authentication_methods_are_invalid_request(setup):
    provider, client, secret, browser = setup
    rp = relying_party(client, secret)
    code, verifier, _location = _code(provider, rp, browser)
    client_id = client.client_id
    reply = token_request(
        provider,
        {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": verifier,
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "client_secret": secret,
        },
        auth=(client_id, secret),
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"


def test_2_3_authlib_with_client_secret_post_is_refused(setup):
    """client_secret_post is not offered (discovery): Authlib's client gets invalid_client."""
    provider, client, secret, browser = setup
    rp = relying_party(client, secret, token_endpoint_auth_method="client_secret_post")
    code, verifier, _location = _code(provider, rp, browser)
    with pytest.raises(OAuthError) as refused:
        rp.fetch_token(f"{provider}/oidc/token/", code=code, code_verifier=verifier)
    assert refused.value.error == "invalid_client"


@pytest.mark.parametrize("endpoint", ["introspect", "revoke"])
def test_2_3_two_authentication_methods_at_introspection_and_revocation(setup, endpoint):
    provider, client, secret, _browser = setup
    reply = requests.post(
        f"{provider}/oidc/{endpoint}/",
        data={"token": "x", "client_secret": secret},
        auth=(client.client_id, secret),
        timeout=10,
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request"
