"""Confidential clients authenticating with private_key_jwt (RFC 7523)."""

import time
import uuid

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from kiosque.oidc.tests.conftest import REDIRECT_URI, authorize, redirect_params, token_request

pytestmark = pytest.mark.django_db(transaction=True)
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture
def jwt_client(provider, make_user, make_client, grant, signed_in):
    key = RSAKey.generate_key(2048, parameters={"kid": "rp-1"})
    jwks = {"keys": [key.as_dict(private=False)]}
    client, _ = make_client(auth_method="private_key_jwt", jwks=jwks)
    user = make_user()
    grant(user, client)
    return provider, client, key, signed_in(user)


def _assertion(key, client_id, audience, **overrides):
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
    }
    claims.update(overrides)
    return jwt.encode({"alg": "RS256", "kid": "rp-1"}, claims, key)


def _code(provider, client, browser):
    return redirect_params(authorize(browser, provider, client))["code"]


def test_private_key_jwt_authenticates(jwt_client):
    provider, client, key, browser = jwt_client
    client_id = client.client_id
    data = {
        "grant_type": "authorization_code",
        "code": _code(provider, client, browser),
        "redirect_uri": REDIRECT_URI,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": _assertion(key, client_id, f"{provider}/oidc/token/"),
    }
    reply = token_request(provider, data)
    assert reply.status_code == 200, reply.text
    assert reply.json()["id_token"]


@pytest.mark.parametrize("problem", ["wrong_key", "wrong_audience", "expired", "replay"])
def test_bad_assertions_are_invalid_client(jwt_client, problem):
    provider, client, key, browser = jwt_client
    client_id = client.client_id
    audience = f"{provider}/oidc/token/"
    signing_key = (
        RSAKey.generate_key(2048, parameters={"kid": "rp-1"}) if problem == "wrong_key" else key
    )
    overrides = {}
    if problem == "wrong_audience":
        audience = "https://other.example/token"
    if problem == "expired":
        overrides = {"exp": int(time.time()) - 600, "iat": int(time.time()) - 700}
    assertion = _assertion(signing_key, client_id, audience, **overrides)
    if problem == "replay":
        first = {
            "grant_type": "authorization_code",
            "code": _code(provider, client, browser),
            "redirect_uri": REDIRECT_URI,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        }
        assert token_request(provider, first).status_code == 200
    data = {
        "grant_type": "authorization_code",
        "code": _code(provider, client, browser),
        "redirect_uri": REDIRECT_URI,
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
    }
    reply = token_request(provider, data)
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"


def test_jwt_client_cannot_use_a_secret(jwt_client):
    provider, client, _key, browser = jwt_client
    data = {
        "grant_type": "authorization_code",
        "code": _code(provider, client, browser),
        "redirect_uri": REDIRECT_URI,
    }
    reply = token_request(provider, data, auth=(client.client_id, ""))
    assert reply.status_code == 401
