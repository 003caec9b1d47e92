"""Attacks and bad input on the provider, refused with the error codes of RFC 6749 / OIDC Core."""

import logging
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from kiosque.oidc import tokens
from kiosque.oidc.models import AuthorizationCode, Token
from kiosque.oidc.tests.conftest import (
    REDIRECT_URI,
    authorize,
    pkce_pair,
    redeem,
    redirect_params,
    token_request,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setup(provider, make_user, make_client, grant, signed_in):
    client, secret = make_client()
    user = make_user()
    grant(user, client)
    return provider, client, secret, user, signed_in(user)


def _code(browser, provider, client, challenge=None, **extra):
    return redirect_params(authorize(browser, provider, client, challenge=challenge, extra=extra))[
        "code"
    ]


def test_unregistered_redirect_uri_is_not_followed(setup):
    provider, client, _secret, _user, browser = setup
    response = authorize(
        browser, provider, client, extra={"redirect_uri": "https://evil.example/cb"}
    )
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")


def test_redirect_uri_must_match_exactly_even_on_loopback(setup):
    provider, client, _secret, _user, browser = setup
    other_port = REDIRECT_URI.replace("8765", "8766")
    response = authorize(browser, provider, client, extra={"redirect_uri": other_port})
    assert response.status_code == 400
    with_query = REDIRECT_URI + "?x=1"
    assert (
        authorize(browser, provider, client, extra={"redirect_uri": with_query}).status_code == 400
    )


def test_token_request_redirect_uri_must_match_the_authorization(setup):
    provider, client, secret, _user, browser = setup
    code = _code(browser, provider, client)
    reply = redeem(provider, client, secret, code, redirect_uri=REDIRECT_URI + "x")
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_request" or reply.json()["error"] == "invalid_grant"


def test_public_client_needs_pkce(provider, make_user, make_client, grant, signed_in):
    client, _ = make_client(auth_method="none")
    user = make_user()
    grant(user, client)
    params = redirect_params(authorize(signed_in(user), provider, client))
    assert params["error"] == "invalid_request"
    assert "code" not in params


def test_plain_pkce_is_refused(setup):
    provider, client, _secret, _user, browser = setup
    extra = {"code_challenge": "a" * 43, "code_challenge_method": "plain"}
    params = redirect_params(authorize(browser, provider, client, extra=extra))
    assert params["error"] == "invalid_request"


def test_missing_or_wrong_pkce_verifier_is_refused(setup):
    provider, client, secret, _user, browser = setup
    verifier, challenge = pkce_pair()
    code = _code(browser, provider, client, challenge=challenge)
    assert redeem(provider, client, secret, code).json()["error"] in (
        "invalid_request",
        "invalid_grant",
    )
    code = _code(browser, provider, client, challenge=challenge)
    wrong = redeem(provider, client, secret, code, verifier=pkce_pair()[0])
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    code = _code(browser, provider, client, challenge=challenge)
    assert redeem(provider, client, secret, code, verifier=verifier).status_code == 200


def test_reused_code_is_refused_and_revokes_the_first_tokens(setup):
    provider, client, secret, user, browser = setup
    verifier, challenge = pkce_pair()
    code = _code(browser, provider, client, challenge=challenge)
    first = redeem(provider, client, secret, code, verifier=verifier)
    assert first.status_code == 200
    tokens = first.json()
    second = redeem(provider, client, secret, code, verifier=verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert not Token.objects.filter(user=user, revoked_at__isnull=True).exists()
    refreshed = token_request(
        provider,
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(client.client_id, secret),
    )
    assert refreshed.json()["error"] == "invalid_grant"


def test_expired_code_is_refused(setup):
    provider, client, secret, _user, browser = setup
    verifier, challenge = pkce_pair()
    code = _code(browser, provider, client, challenge=challenge)
    AuthorizationCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    reply = redeem(provider, client, secret, code, verifier=verifier)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_grant"


def test_code_of_another_client_is_refused(setup, make_client, grant):
    provider, client, _secret, user, browser = setup
    other, other_secret = make_client()
    grant(user, other)
    verifier, challenge = pkce_pair()
    code = _code(browser, provider, client, challenge=challenge)
    reply = redeem(provider, other, other_secret, code, verifier=verifier)
    assert reply.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_invalid_client(setup):
    provider, client, _secret, _user, browser = setup
    code = _code(browser, provider, client)
    reply = redeem(provider, client, "not-the-secret", code)
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"


def test_secret_in_the_body_is_not_accepted(setup):
    provider, client, secret, _user, browser = setup
    code = _code(browser, provider, client)
    reply = token_request(
        provider,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": client.client_id,
            "client_secret": secret,
        },
    )
    assert reply.status_code == 401
    assert reply.json()["error"] == "invalid_client"


def test_client_secret_is_stored_hashed(setup):
    _provider, client, secret, _user, _browser = setup
    client.refresh_from_db()
    assert secret not in client.client_secret_hash
    assert client.client_secret_hash == tokens.secret_hash(secret)  # HMAC-SHA-256, keyed
    assert len(secret) >= 43  # 256 bits, URL-safe


def test_unknown_scope_is_invalid_scope(setup):
    provider, client, _secret, _user, browser = setup
    params = redirect_params(authorize(browser, provider, client, scope="openid admin"))
    assert params["error"] == "invalid_scope"


def test_prompt_none_without_session_is_login_required(provider, make_client):
    client, _secret = make_client()
    params = redirect_params(
        authorize(requests.Session(), provider, client, extra={"prompt": "none", "state": "s1"})
    )
    assert params == {"error": "login_required", "state": "s1", "iss": provider}


def test_prompt_login_forces_a_new_sign_in(setup):
    provider, client, _secret, _user, browser = setup
    response = authorize(browser, provider, client, extra={"prompt": "login"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion/")
    # Coming back without signing in again does not give a code.
    again = authorize(browser, provider, client)
    assert again.headers["Location"].startswith("/connexion/")


def test_max_age_zero_forces_a_new_sign_in(setup):
    provider, client, _secret, _user, browser = setup
    response = authorize(browser, provider, client, extra={"max_age": "0"})
    assert response.headers["Location"].startswith("/connexion/")
    params = redirect_params(
        authorize(browser, provider, client, extra={"max_age": "0", "prompt": "none"})
    )
    assert params["error"] == "login_required"


def test_tampered_id_token_is_rejected_by_the_client_library(setup, code_flow):
    from joserfc import jwt
    from joserfc.errors import BadSignatureError
    from joserfc.jwk import KeySet

    provider, client, secret, _user, browser = setup
    id_token = code_flow(browser, client, secret)["id_token"]
    header, payload, signature = id_token.split(".")
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    keyset = KeySet.import_key_set(requests.get(f"{provider}/oidc/jwks/", timeout=5).json())
    jwt.decode(id_token, keyset, algorithms=["RS256"])
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged_payload}.{signature}", keyset, algorithms=["RS256"])


def test_post_logout_redirect_uri_must_be_registered(setup):
    provider, client, _secret, _user, browser = setup
    response = browser.get(
        f"{provider}/oidc/logout/",
        params={
            "client_id": client.client_id,
            "post_logout_redirect_uri": "https://evil.example/",
        },
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")


def test_no_token_or_secret_is_logged(setup, code_flow, caplog):
    provider, client, secret, _user, browser = setup
    with caplog.at_level(logging.DEBUG):
        tokens = code_flow(browser, client, secret)
        token_request(
            provider,
            {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=(client.client_id, secret),
        )
    text = caplog.text
    for value in (secret, tokens["access_token"], tokens["refresh_token"], tokens["id_token"]):
        assert value not in text
