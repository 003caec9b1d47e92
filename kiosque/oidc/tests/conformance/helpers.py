"""The relying party of the conformance suite: Authlib's client, as an application uses it."""

from urllib.parse import parse_qs, urlsplit

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from kiosque.oidc.tests.conftest import REDIRECT_URI


def relying_party(client, secret=None, **kwargs) -> OAuth2Session:
    kwargs.setdefault("scope", "openid")
    kwargs.setdefault("redirect_uri", REDIRECT_URI)
    if secret is None:
        kwargs.setdefault("token_endpoint_auth_method", "none")
    return OAuth2Session(client.client_id, secret, **kwargs)


def authorization_url(rp, provider, *, pkce=True, **extra) -> tuple[str, str | None]:
    """(URL of the authorization request, code_verifier or None)."""
    verifier = generate_token(48) if pkce else None
    if pkce:
        rp.code_challenge_method = "S256"
    url, state = rp.create_authorization_url(
        f"{provider}/oidc/authorize/", code_verifier=verifier, nonce=generate_token(8), **extra
    )
    rp.state = state  # checked by fetch_token, and by the tests on error responses
    return url, verifier


def redeem(rp, provider, location, verifier) -> dict:
    """The token response for the code in `location` (the authorization endpoint's redirect
    to the client), redeemed by the relying party."""
    return rp.fetch_token(
        f"{provider}/oidc/token/", authorization_response=location, code_verifier=verifier
    )


def token_for(rp, provider, browser, **extra) -> dict:
    """Authorize with `browser` (signed in), then redeem the code: the token response."""
    url, verifier = authorization_url(rp, provider, **extra)
    response = browser.get(url, allow_redirects=False, timeout=10)
    return redeem(rp, provider, response.headers["Location"], verifier)


def query_of(response) -> dict:
    assert response.status_code == 302, (response.status_code, response.text[:300])
    location = urlsplit(response.headers["Location"])
    assert not location.fragment, "only the query response mode is offered"
    return {key: values[0] for key, values in parse_qs(location.query).items()}
