"""RFC 7636 (PKCE) and RFC 9700 §2.1.1 (PKCE downgrade), from Authlib's client."""

import pytest
from authlib.integrations.base_client.errors import OAuthError

from kiosque.oidc.tests.conformance.helpers import authorization_url, query_of, relying_party

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def confidential(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    return provider, client, secret, signed_in(user)


def test_rfc9700_2_1_1_verifier_for_a_code_issued_without_challenge_is_refused(confidential):
    provider, client, secret, browser = confidential
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, pkce=False)
    response = browser.get(url, allow_redirects=False, timeout=10)
    assert "code" in query_of(response)
    with pytest.raises(OAuthError) as refused:
        rp.fetch_token(
            f"{provider}/oidc/token/",
            authorization_response=response.headers["Location"],
            code_verifier="x" * 50,
        )
    assert refused.value.error == "invalid_grant"


def test_rfc7636_confidential_client_without_pkce_still_works(confidential):
    provider, client, secret, browser = confidential
    rp = relying_party(client, secret)
    url, _ = authorization_url(rp, provider, pkce=False)
    response = browser.get(url, allow_redirects=False, timeout=10)
    token = rp.fetch_token(
        f"{provider}/oidc/token/", authorization_response=response.headers["Location"]
    )
    assert token["id_token"]


@pytest.mark.parametrize(
    "challenge", ["abcde", "a" * 42, "a" * 129, "a" * 42 + "!", "a" * 42 + "="]
)
def test_rfc7636_4_2_malformed_code_challenge_is_refused(confidential, challenge):
    provider, client, secret, browser = confidential
    rp = relying_party(client, secret)
    url, _ = authorization_url(
        rp, provider, pkce=False, code_challenge=challenge, code_challenge_method="S256"
    )
    params = query_of(browser.get(url, allow_redirects=False, timeout=10))
    assert params["error"] == "invalid_request"
    assert params["iss"] == provider
    assert "code" not in params
