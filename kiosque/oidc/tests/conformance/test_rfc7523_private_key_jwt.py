"""RFC 7523 §3 (client assertions), sent by Authlib's PrivateKeyJWT client authentication."""

import time

import pytest
from authlib.integrations.base_client.errors import OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.jwk import RSAKey

from kiosque.oidc.tests.conformance.helpers import authorization_url, relying_party

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    key = RSAKey.generate_key(2048, parameters={"kid": "rp-1"})
    client, _ = make_client(auth_method="private_key_jwt", jwks={"keys": [key.as_dict()]})
    user = make_user()
    grant(user, client)
    return provider, client, key, signed_in(user)


def _fetch(setup, **claims):
    provider, client, key, browser = setup
    # Authlib's default lifetime is an hour; Kiosque accepts assertions of 5 minutes at most.
    claims.setdefault("exp", int(time.time()) + 60)
    token_endpoint = f"{provider}/oidc/token/"
    rp = relying_party(
        client,
        key.as_pem(private=True),
        token_endpoint_auth_method=PrivateKeyJWT(token_endpoint, claims=claims, alg="RS256"),
    )
    url, verifier = authorization_url(rp, provider)
    response = browser.get(url, allow_redirects=False, timeout=10)
    return rp.fetch_token(
        token_endpoint, authorization_response=response.headers["Location"], code_verifier=verifier
    )


def test_assertion_is_accepted(setup):
    assert _fetch(setup)["id_token"]


def test_3_nbf_in_the_past_is_accepted(setup):
    assert _fetch(setup, nbf=int(time.time()) - 30)["access_token"]


def test_3_assertion_used_before_its_nbf_is_refused(setup):
    with pytest.raises(OAuthError) as refused:
        _fetch(setup, nbf=int(time.time()) + 600)
    assert refused.value.error == "invalid_client"
