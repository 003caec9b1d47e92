"""RFC 6750 (bearer tokens) at the UserInfo endpoint (OIDC Core §5.3), with a token that
Authlib's client obtained."""

import pytest
import requests

from kiosque.oidc.tests.conformance.helpers import authorization_url, relying_party

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    rp = relying_party(client, secret, scope="openid email")
    url, verifier = authorization_url(rp, provider)
    response = signed_in(user).get(url, allow_redirects=False, timeout=10)
    rp.fetch_token(
        f"{provider}/oidc/token/",
        authorization_response=response.headers["Location"],
        code_verifier=verifier,
    )
    return provider, rp, user


def test_2_1_authorization_header_is_accepted_and_never_cached(token):
    provider, rp, user = token
    reply = rp.get(f"{provider}/oidc/userinfo/", timeout=10)  # Authlib adds the header
    assert reply.status_code == 200
    assert reply.json()["email"] == user.email
    assert reply.headers["Cache-Control"] == "no-store"


def test_2_2_form_body_of_a_post_is_accepted(token):
    provider, rp, _user = token
    reply = requests.post(
        f"{provider}/oidc/userinfo/", data={"access_token": rp.token["access_token"]}, timeout=10
    )
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"


def test_2_3_query_string_is_refused(token):
    provider, rp, _user = token
    reply = requests.get(
        f"{provider}/oidc/userinfo/", params={"access_token": rp.token["access_token"]}, timeout=10
    )
    assert reply.status_code == 400
    assert 'error="invalid_request"' in reply.headers["WWW-Authenticate"]
    assert "sub" not in reply.text
    assert reply.headers["Cache-Control"] == "no-store"


def test_3_1_header_and_body_together_are_invalid_request(token):
    provider, rp, _user = token
    access_token = rp.token["access_token"]
    reply = requests.post(
        f"{provider}/oidc/userinfo/",
        data={"access_token": access_token},
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )
    assert reply.status_code == 400


def test_3_1_no_token_at_all_is_401_without_error_code(provider):
    reply = requests.get(f"{provider}/oidc/userinfo/", timeout=10)
    assert reply.status_code == 401
    challenge = reply.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    assert "error=" not in challenge
    assert reply.headers["Cache-Control"] == "no-store"


def test_3_1_unknown_token_is_invalid_token(provider):
    reply = requests.get(
        f"{provider}/oidc/userinfo/", headers={"Authorization": "Bearer nope"}, timeout=10
    )
    assert reply.status_code == 401
    assert 'error="invalid_token"' in reply.headers["WWW-Authenticate"]
