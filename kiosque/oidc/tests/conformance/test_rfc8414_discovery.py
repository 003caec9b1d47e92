"""OpenID Connect Discovery 1.0 §3 and RFC 8414 §2: the metadata, read by Authlib."""

import pytest
import requests
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oidc.discovery import OpenIDProviderMetadata

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def metadata(provider):
    return requests.get(f"{provider}/.well-known/openid-configuration", timeout=5).json()


def test_authlib_validates_the_metadata(metadata):
    OpenIDProviderMetadata(metadata).validate()
    AuthorizationServerMetadata(metadata).validate()


def test_rfc8414_2_signing_algs_of_every_endpoint_accepting_private_key_jwt(metadata):
    for endpoint in ("token", "introspection", "revocation"):
        assert "private_key_jwt" in metadata[f"{endpoint}_endpoint_auth_methods_supported"]
        algs = metadata[f"{endpoint}_endpoint_auth_signing_alg_values_supported"]
        assert algs and "none" not in algs


def test_ui_locales_are_the_served_languages(metadata):
    assert metadata["ui_locales_supported"] == ["fr", "en"]


def test_what_is_advertised_matches_what_is_honoured(metadata):
    assert metadata["response_modes_supported"] == ["query"]
    assert metadata["request_parameter_supported"] is False
    assert metadata["request_uri_parameter_supported"] is False
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert set(metadata["prompt_values_supported"]) == {
        "none",
        "login",
        "consent",
        "select_account",
    }
    assert set(metadata["grant_types_supported"]) == {
        "authorization_code",
        "refresh_token",
        "client_credentials",
    }
