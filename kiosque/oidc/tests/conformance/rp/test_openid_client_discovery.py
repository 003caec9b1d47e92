"""OpenID Connect Discovery 1.0, as openid-client's `discovery()` reads Kiosque's metadata."""

import json

import pytest

from kiosque.oidc.tests.conformance.rp.conftest import exchange_to, header

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def discovered(openid_client, register):
    rp = register()
    return rp, openid_client.ok("discover", rp=rp.as_json())


def test_4_discovery_document_is_accepted_and_its_issuer_is_the_issuer(discovered):
    # openid-client refuses a document whose issuer differs from the URL it was fetched
    # from (Discovery §4.3: MUST be identical).
    rp, answer = discovered
    assert answer["metadata"]["issuer"] == rp.issuer


def test_4_2_answer_is_200_application_json(discovered):
    _rp, answer = discovered
    exchange = exchange_to(answer, "/.well-known/openid-configuration")
    assert exchange["status"] == 200
    assert header(exchange, "content-type").startswith("application/json")


def test_3_required_metadata_are_present(discovered):
    _rp, answer = discovered
    metadata = answer["metadata"]
    for name in (
        "issuer",
        "authorization_endpoint",
        "token_endpoint",  # required unless only the implicit flow is used
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
    ):
        assert metadata.get(name), name


def test_3_rs256_is_among_the_id_token_signing_algorithms(discovered):
    _rp, answer = discovered
    algorithms = answer["metadata"]["id_token_signing_alg_values_supported"]
    assert "RS256" in algorithms  # MUST be included
    assert "ES256" in algorithms  # Kiosque's per-client choice
    assert "none" not in algorithms


def test_3_code_is_the_response_type_and_the_subject_type_is_advertised(discovered):
    _rp, answer = discovered
    metadata = answer["metadata"]
    assert metadata["response_types_supported"] == ["code"]
    assert set(metadata["subject_types_supported"]) <= {"public", "pairwise"}


def test_3_profile_of_kiosque_is_advertised(discovered):
    _rp, answer = discovered
    metadata = answer["metadata"]
    assert "openid" in metadata["scopes_supported"]  # SHOULD, and MUST contain openid
    assert set(metadata["token_endpoint_auth_methods_supported"]) >= {
        "client_secret_basic",
        "private_key_jwt",
        "none",
    }
    assert "client_secret_post" not in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["userinfo_endpoint"]
    assert metadata["end_session_endpoint"]
    assert "S256" in metadata["code_challenge_methods_supported"]
    assert "plain" not in metadata["code_challenge_methods_supported"]


def test_3_jwks_uri_publishes_the_public_signing_keys(openid_client, discovered):
    _rp, answer = discovered
    jwks = openid_client.ok("http", url=answer["metadata"]["jwks_uri"])
    assert jwks["status"] == 200
    keys = json.loads(jwks["body"])["keys"]
    assert {key["kty"] for key in keys} >= {"RSA", "EC"}
    for key in keys:
        assert key.get("kid")
        assert not {"d", "p", "q", "dp", "dq", "qi"} & key.keys()  # public parts only
