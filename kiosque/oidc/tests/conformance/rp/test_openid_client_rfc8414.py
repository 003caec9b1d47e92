"""RFC 8414 (Authorization Server Metadata), as openid-client reads it for each operation."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def metadata(openid_client, register):
    rp = register()
    return rp, openid_client.ok("discover", rp=rp.as_json())["metadata"]


def test_3_3_issuer_is_identical_to_the_discovery_url(metadata):
    rp, document = metadata
    assert document["issuer"] == rp.issuer  # openid-client also refuses a mismatch


def test_2_required_members(metadata):
    _rp, document = metadata
    for name in ("issuer", "authorization_endpoint", "token_endpoint", "response_types_supported"):
        assert document.get(name), name
    assert "authorization_code" in document["grant_types_supported"]
    assert "refresh_token" in document["grant_types_supported"]
    assert "implicit" not in document["grant_types_supported"]


def test_2_signing_algorithms_for_every_endpoint_accepting_private_key_jwt(metadata):
    _rp, document = metadata
    for endpoint in ("token", "introspection", "revocation"):
        methods = document[f"{endpoint}_endpoint_auth_methods_supported"]
        assert "private_key_jwt" in methods, endpoint
        algorithms = document[f"{endpoint}_endpoint_auth_signing_alg_values_supported"]
        assert algorithms and "none" not in algorithms, endpoint  # §2: MUST, none MUST NOT


def test_2_advertised_endpoints_are_the_ones_that_answer(openid_client, register, session):
    # openid-client sends each request to the advertised endpoint; every one answers.
    rp = register()
    _user, cookie = session(rp)
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    sub = tokens["claims"]["sub"]
    openid_client.ok("userinfo", rp=rp.as_json(), access_token=tokens["access_token"], sub=sub)
    openid_client.ok("introspect", rp=rp.as_json(), token=tokens["access_token"])
    openid_client.ok("refresh", rp=rp.as_json(), refresh_token=tokens["refresh_token"])
    openid_client.ok("revoke", rp=rp.as_json(), token=tokens["access_token"])


def test_2_response_modes_and_iss_parameter(metadata):
    _rp, document = metadata
    assert document.get("response_modes_supported", ["query"]) == ["query"]
    assert document["authorization_response_iss_parameter_supported"] is True  # RFC 9207 §3
