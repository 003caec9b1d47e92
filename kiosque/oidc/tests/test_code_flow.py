"""Authorization code flow with PKCE, driven by Authlib's standard client."""

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet

from kiosque.oidc.tests.conftest import REDIRECT_URI, redirect_params

pytestmark = pytest.mark.django_db(transaction=True)


def _session(client, secret, **kwargs):
    return OAuth2Session(
        client.client_id,
        secret,
        scope="openid profile email",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        **kwargs,
    )


def _verify_id_token(provider, id_token, client_id, nonce, access_token=None):
    import requests

    jwks = requests.get(f"{provider}/oidc/jwks/", timeout=5).json()
    decoded = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=["RS256", "ES256"])
    params = {"nonce": nonce, "client_id": client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(decoded.claims, decoded.header, {"iss": {"values": [provider]}}, params)
    claims.validate()
    return decoded


def test_confidential_client_gets_signed_id_token_with_nonce_and_state(
    provider, make_user, make_client, grant, signed_in
):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    browser = signed_in(user)
    rp = _session(client, secret)
    verifier = generate_token(48)
    url, state = rp.create_authorization_url(
        f"{provider}/oidc/authorize/", nonce="n-0S6_WzA2Mj", code_verifier=verifier
    )
    assert "code_challenge_method=S256" in url
    response = browser.get(url, allow_redirects=False, timeout=10)
    params = redirect_params(response)
    assert params["state"] == state
    assert params["iss"] == provider
    token = rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=response.headers["Location"],
        code_verifier=verifier,
    )
    assert token["token_type"] == "Bearer"
    assert token["refresh_token"]
    decoded = _verify_id_token(
        provider,
        token["id_token"],
        client.client_id,
        "n-0S6_WzA2Mj",
        token["access_token"],
    )
    assert decoded.header["alg"] == "RS256"
    assert decoded.claims["sub"] != user.username
    assert decoded.claims["given_name"] == "Nathalie"
    assert decoded.claims["email"] == user.email
    assert decoded.claims["amr"] == ["pwd", "otp", "mfa"]
    assert decoded.claims["acr"] == "urn:kiosque:loa:totp"
    assert decoded.claims["sid"]


def test_es256_client_gets_es256_id_token(
    provider, make_user, make_client, grant, code_flow, signed_in
):
    client, secret = make_client(id_token_alg="ES256")
    user = make_user()
    grant(user, client)
    token = code_flow(signed_in(user), client, secret, extra={"nonce": "abc"})
    decoded = _verify_id_token(
        provider,
        token["id_token"],
        client.client_id,
        "abc",
        token["access_token"],
    )
    assert decoded.header["alg"] == "ES256"


def test_public_client_with_pkce(provider, make_user, make_client, grant, signed_in):
    client, _ = make_client(auth_method="none")
    user = make_user()
    grant(user, client)
    rp = OAuth2Session(
        client.client_id,
        scope="openid",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = generate_token(48)
    url, _state = rp.create_authorization_url(
        f"{provider}/oidc/authorize/", nonce="xyz", code_verifier=verifier
    )
    response = signed_in(user).get(url, allow_redirects=False, timeout=10)
    token = rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=response.headers["Location"],
        code_verifier=verifier,
    )
    assert token["id_token"]


def test_userinfo_answers_the_claims_of_the_access_token(
    provider, make_user, make_client, grant, code_flow, signed_in
):
    import requests

    client, secret = make_client()
    user = make_user()
    grant(user, client)
    token = code_flow(signed_in(user), client, secret, scope="openid email")
    reply = requests.get(
        f"{provider}/oidc/userinfo/",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=5,
    )
    assert reply.status_code == 200
    data = reply.json()
    assert data["email"] == user.email
    assert data["email_verified"] is True
    assert "given_name" not in data
