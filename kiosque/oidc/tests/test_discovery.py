"""Discovery document and JWKS."""

import pytest
import requests

pytestmark = pytest.mark.django_db(transaction=True)


def test_discovery_document(provider):
    reply = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5)
    assert reply.status_code == 200
    data = reply.json()
    assert data["issuer"] == provider
    for endpoint in (
        "authorization_endpoint",
        "token_endpoint",
        "userinfo_endpoint",
        "jwks_uri",
        "end_session_endpoint",
        "introspection_endpoint",
        "revocation_endpoint",
    ):
        assert data[endpoint].startswith(provider + "/")
        assert requests.options(data[endpoint], timeout=5).status_code < 500
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert data["response_types_supported"] == ["code"]
    assert set(data["id_token_signing_alg_values_supported"]) == {"RS256", "ES256"}
    assert {"client_secret_basic", "private_key_jwt"} <= set(
        data["token_endpoint_auth_methods_supported"]
    )
    assert "client_secret_post" not in data["token_endpoint_auth_methods_supported"]
    assert data["backchannel_logout_supported"] is True
    assert data["backchannel_logout_session_supported"] is True
    assert {"openid", "profile", "email", "rpps", "roles"} == set(data["scopes_supported"])
    assert {"SubjectNameID", "SubjectRefPro", "roles", "amr", "acr"} <= set(
        data["claims_supported"]
    )
    # One acr per level, strongest first, then the former values still accepted.
    assert data["acr_values_supported"] == [
        "eidas1",
        "urn:kiosque:loa:passkey",
        "urn:kiosque:loa:totp",
        "urn:kiosque:loa:mail",
        "urn:kiosque:loa:pwd",
        "urn:kiosque:mfa",
        "urn:kiosque:pwd",
    ]


def test_authlib_reads_the_discovery_document(provider):
    from authlib.oidc.discovery import OpenIDProviderMetadata

    metadata = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5).json()

    OpenIDProviderMetadata(metadata).validate()


def test_jwks_publishes_public_keys_only(provider):
    reply = requests.get(f"{provider}/oidc/jwks/", timeout=5)
    keys = reply.json()["keys"]
    assert {key["alg"] for key in keys} == {"RS256", "ES256"}
    for key in keys:
        assert key["use"] == "sig"
        assert key["kid"]
        assert "d" not in key and "p" not in key and "q" not in key
    assert "max-age" in reply.headers["Cache-Control"]


def test_discovery_and_jwks_are_served_by_django_with_cached_bodies_and_cache_headers(
    provider, settings
):
    from kiosque.oidc import keys

    discovery = requests.get(f"{provider}/.well-known/openid-configuration", timeout=5)
    assert "max-age" in discovery.headers["Cache-Control"]
    assert discovery.headers["X-Content-Type-Options"] == "nosniff"  # Django's middleware
    before = requests.get(f"{provider}/oidc/jwks/", timeout=5).json()["keys"]
    keys.rotate(overlap=0)  # a rotation on disk: the next body lists the new keys
    after = requests.get(f"{provider}/oidc/jwks/", timeout=5).json()["keys"]
    assert {key["kid"] for key in after} != {key["kid"] for key in before}
    assert {key["alg"] for key in after} == {"RS256", "ES256"}
