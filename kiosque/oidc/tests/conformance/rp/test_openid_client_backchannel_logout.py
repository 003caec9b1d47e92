"""OpenID Connect Back-Channel Logout 1.0: the logout tokens an application receives.

The application's back-channel endpoint is a small HTTP server of the node relying party; it
verifies each logout token with jose against Kiosque's jwks_uri (signature, iss, aud = its
client_id, iat not older than 2 minutes), and the tests check the rest of §2.4–§2.6.
"""

import pytest

from kiosque.oidc.tests.conformance.rp.conftest import cookie_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process

EVENT = "http://schemas.openid.net/event/backchannel-logout"


@pytest.fixture
def receiver(openid_client):
    uri = openid_client.ok("backchannel_listen")["uri"]
    openid_client.ok("backchannel_clear")  # nothing left from an earlier test
    return uri


@pytest.fixture
def rp_with_backchannel(register, receiver):
    def make(**options):
        path = f"/backchannel{options.pop('number', '')}"
        rp = register(backchannel_logout_uri=f"{receiver}{path}", **options)
        rp.extra["backchannel_path"] = path
        return rp

    return make


def _received(openid_client, *rps):
    """Every logout token received, verified as the application at its path would."""
    by_path = {rp.extra["backchannel_path"]: rp.as_json() for rp in rps}
    return openid_client.ok("backchannel_received", rps=by_path)["deliveries"]


def _kiosque_logout(browser, provider):
    """The user signs out of Kiosque itself (the portal's "Se déconnecter")."""
    browser.get(f"{provider}/connexion/", timeout=10)
    response = browser.post(
        f"{provider}/deconnexion/",
        headers={"X-CSRFToken": browser.cookies.get("csrftoken"), "Referer": f"{provider}/"},
        allow_redirects=False,
        timeout=15,
    )
    assert response.status_code in (200, 302)


@pytest.fixture
def signed_in_app(openid_client, rp_with_backchannel, make_user, grant, signed_in):
    rp = rp_with_backchannel()
    user = make_user()
    grant(user, rp.client)
    browser = signed_in(user)
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie_of(browser))["tokens"]
    return rp, browser, tokens


def test_2_1_backchannel_support_is_advertised(openid_client, register):
    rp = register()
    metadata = openid_client.ok("discover", rp=rp.as_json())["metadata"]
    assert metadata["backchannel_logout_supported"] is True
    assert metadata["backchannel_logout_session_supported"] is True


def test_2_5_signing_out_of_kiosque_posts_a_logout_token(openid_client, signed_in_app, provider):
    rp, browser, _tokens = signed_in_app
    _kiosque_logout(browser, provider)
    (delivery,) = _received(openid_client, rp)
    assert delivery["method"] == "POST"
    assert delivery["path"] == "/backchannel"
    assert delivery["content_type"].startswith("application/x-www-form-urlencoded")
    assert delivery["failure"] is None, delivery["failure"]


def test_2_4_logout_token_claims(openid_client, signed_in_app, provider):
    rp, browser, tokens = signed_in_app
    _kiosque_logout(browser, provider)
    (delivery,) = _received(openid_client, rp)
    claims = delivery["verified"]["claims"]
    assert claims["iss"] == rp.issuer
    assert claims["aud"] == rp.client_id or claims["aud"] == [rp.client_id]
    assert isinstance(claims["iat"], int)
    assert claims["jti"]
    assert claims["events"] == {EVENT: {}}  # MUST: the member, an empty JSON object
    assert claims["sid"] == tokens["claims"]["sid"]  # the session of the ID token
    assert claims["sub"] == tokens["claims"]["sub"]
    assert "nonce" not in claims  # MUST NOT
    header = delivery["verified"]["header"]
    assert header["alg"] == "RS256"
    assert header["typ"] == "logout+jwt"


def test_2_4_es256_client_gets_an_es256_logout_token(
    openid_client, rp_with_backchannel, make_user, grant, signed_in, provider
):
    rp = rp_with_backchannel(id_token_alg="ES256")
    user = make_user()
    grant(user, rp.client)
    browser = signed_in(user)
    openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie_of(browser))
    _kiosque_logout(browser, provider)
    (delivery,) = _received(openid_client, rp)
    assert delivery["failure"] is None, delivery["failure"]
    assert delivery["verified"]["header"]["alg"] == "ES256"


def test_2_7_rp_initiated_logout_tells_every_application_of_the_sign_in(
    openid_client, rp_with_backchannel, make_user, grant, signed_in
):
    first, second = rp_with_backchannel(number=1), rp_with_backchannel(number=2)
    user = make_user()
    grant(user, first.client)
    grant(user, second.client)
    cookie = cookie_of(signed_in(user))
    tokens = openid_client.ok("code_flow", rp=first.as_json(), cookie=cookie)["tokens"]
    openid_client.ok("code_flow", rp=second.as_json(), cookie=cookie)
    openid_client.ok(
        "end_session",
        rp=first.as_json(),
        cookie=cookie,
        params={"id_token_hint": tokens["id_token"]},
    )
    deliveries = _received(openid_client, first, second)
    assert {d["path"] for d in deliveries} >= {"/backchannel2"}  # the other application
    for delivery in deliveries:
        assert delivery["failure"] is None, delivery["failure"]
        assert delivery["verified"]["claims"]["sid"] == tokens["claims"]["sid"]


def test_2_7_tokens_of_the_ended_session_are_revoked(openid_client, signed_in_app, provider):
    # §2.7: refresh tokens issued without offline_access SHOULD be revoked; Kiosque revokes
    # the access and refresh tokens of the sign-in.
    rp, browser, tokens = signed_in_app
    _kiosque_logout(browser, provider)
    for token in (tokens["access_token"], tokens["refresh_token"]):
        introspection = openid_client.ok("introspect", rp=rp.as_json(), token=token)
        assert introspection["introspection"]["active"] is False


def test_2_8_no_logout_token_for_an_application_the_session_did_not_use(
    openid_client, rp_with_backchannel, signed_in_app, provider
):
    rp, browser, _tokens = signed_in_app
    unused = rp_with_backchannel(number=3)
    _kiosque_logout(browser, provider)
    deliveries = _received(openid_client, rp, unused)
    assert [d["path"] for d in deliveries] == ["/backchannel"]
