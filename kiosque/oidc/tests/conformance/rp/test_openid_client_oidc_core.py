"""OpenID Connect Core 1.0, the authorization code flow as openid-client runs it.

openid-client validates what Core requires of the ID token (§3.1.3.7: signature with a key
of jwks_uri, `iss`, `aud`, `exp`, `iat`, `nonce`, `auth_time` with `max_age`), of the
authorization response (`state`, RFC 9207 `iss`) and of UserInfo (§5.3.2 `sub`); a test
passing means Kiosque's answer satisfied it.
"""

import time
from urllib.parse import urlsplit

import pytest
import requests

from kiosque.oidc.tests.conformance.rp.conftest import (
    exchange_to,
    header,
    sign_in_through_the_pages,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def confidential(register, session):
    rp = register()
    user, cookie = session(rp)
    return rp, user, cookie


def _flow(openid_client, rp, cookie, **request):
    return openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie, **request)


def test_3_1_confidential_client_secret_basic_gets_a_valid_id_token(openid_client, confidential):
    rp, _user, cookie = confidential
    tokens = _flow(openid_client, rp, cookie)["tokens"]
    claims = tokens["claims"]
    assert claims["iss"] == rp.issuer
    assert rp.client_id in ([claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"])
    assert claims["sub"] and claims["exp"] > claims["iat"]
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["id_token_header"]["alg"] == "RS256"  # the default (§3.1.3.7 step 7)
    assert tokens["id_token_header"]["kid"]


def test_2_id_token_carries_auth_time_acr_amr_and_sid(openid_client, confidential):
    rp, _user, cookie = confidential
    claims = _flow(openid_client, rp, cookie)["tokens"]["claims"]
    assert isinstance(claims["auth_time"], int)
    assert claims["acr"] == "urn:kiosque:loa:totp"
    assert "otp" in claims["amr"]
    assert claims["sid"]  # Back-Channel Logout §2.1 / Front-channel §3


def test_3_1_2_1_public_client_with_pkce(openid_client, register, session):
    rp = register(auth="none")
    _user, cookie = session(rp)
    claims = _flow(openid_client, rp, cookie)["tokens"]["claims"]
    assert claims["aud"] == rp.client_id or rp.client_id in claims["aud"]


def test_9_private_key_jwt_client(openid_client, register, session):
    rp = register(auth="private_key_jwt")
    _user, cookie = session(rp)
    answer = _flow(openid_client, rp, cookie)
    assert answer["tokens"]["claims"]["sub"]


def test_3_1_3_7_es256_client_gets_an_es256_id_token(openid_client, register, session):
    rp = register(id_token_alg="ES256")
    _user, cookie = session(rp)
    tokens = _flow(openid_client, rp, cookie)["tokens"]
    assert tokens["id_token_header"]["alg"] == "ES256"


def test_3_1_3_3_token_response_is_not_cached(openid_client, confidential):
    rp, _user, cookie = confidential
    exchange = exchange_to(_flow(openid_client, rp, cookie), "/oidc/token/")
    assert "no-store" in header(exchange, "cache-control")
    assert header(exchange, "content-type").startswith("application/json")


def test_3_1_2_6_prompt_none_without_session_is_login_required(openid_client, register):
    rp = register()
    # openid-client checks state and iss of the error response before reporting it.
    error = openid_client.refused(
        "code_flow", rp=rp.as_json(), cookie=None, params={"prompt": "none"}
    )
    assert error["error"] == "login_required"


def test_3_1_2_1_prompt_none_with_a_session_gives_the_code(openid_client, confidential):
    rp, _user, cookie = confidential
    assert _flow(openid_client, rp, cookie, params={"prompt": "none"})["tokens"]["id_token"]


def test_3_1_2_1_prompt_login_sends_to_the_sign_in_page(openid_client, confidential):
    rp, _user, cookie = confidential
    answer = _flow(openid_client, rp, cookie, params={"prompt": "login"})
    assert "tokens" not in answer
    assert answer["redirected_to"].startswith("/connexion/")


def test_3_1_2_1_max_age_met_gives_auth_time(openid_client, confidential):
    rp, _user, cookie = confidential
    # openid-client requires auth_time and checks it against max_age (Core §2, §3.1.2.1).
    answer = _flow(openid_client, rp, cookie, params={"max_age": "600"}, max_age=600)
    assert answer["tokens"]["claims"]["auth_time"]


def test_3_1_2_1_max_age_zero_requires_a_new_sign_in(openid_client, confidential):
    rp, _user, cookie = confidential
    answer = _flow(openid_client, rp, cookie, params={"max_age": "0"}, max_age=0)
    assert answer["redirected_to"].startswith("/connexion/")
    error = openid_client.refused(
        "code_flow",
        rp=rp.as_json(),
        cookie=cookie,
        params={"max_age": "0", "prompt": "none"},
        max_age=0,
    )
    assert error["error"] == "login_required"


def test_3_1_2_1_acr_values_met_by_the_session(openid_client, confidential):
    rp, _user, cookie = confidential
    claims = _flow(openid_client, rp, cookie, params={"acr_values": "urn:kiosque:loa:totp"})[
        "tokens"
    ]["claims"]
    assert claims["acr"] == "urn:kiosque:loa:totp"


def test_3_1_2_1_acr_values_above_the_session_give_no_token(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    error = openid_client.refused(
        "code_flow",
        rp=rp.as_json(),
        cookie=cookie,
        params={"acr_values": "urn:kiosque:loa:passkey", "prompt": "none"},
    )
    assert error["error"] in {"login_required", "interaction_required"}
    answer = _flow(openid_client, rp, cookie, params={"acr_values": "urn:kiosque:loa:passkey"})
    assert "tokens" not in answer  # step-up page, never a weaker token


def test_3_1_3_2_code_is_single_use(openid_client, confidential):
    rp, _user, cookie = confidential
    first = _flow(openid_client, rp, cookie)
    error = openid_client.refused(
        "callback", rp=rp.as_json(), location=first["callback"], checks=first["checks"]
    )
    assert error["error"] == "invalid_grant"


def test_5_3_userinfo_sub_matches_the_id_token(openid_client, register, session):
    rp = register()
    user, cookie = session(rp, email="marie.curie@exemple.fr")
    tokens = _flow(openid_client, rp, cookie, params={"scope": "openid profile email"})["tokens"]
    # fetchUserInfo refuses a response whose sub differs from the expected one (§5.3.2).
    userinfo = openid_client.ok(
        "userinfo",
        rp=rp.as_json(),
        access_token=tokens["access_token"],
        sub=tokens["claims"]["sub"],
    )["userinfo"]
    assert userinfo["email"] == "marie.curie@exemple.fr"
    assert userinfo["family_name"] == user.last_name


def test_5_4_claims_follow_the_scopes(openid_client, confidential):
    rp, _user, cookie = confidential
    tokens = _flow(openid_client, rp, cookie, params={"scope": "openid"})["tokens"]
    userinfo = openid_client.ok(
        "userinfo",
        rp=rp.as_json(),
        access_token=tokens["access_token"],
        sub=tokens["claims"]["sub"],
    )["userinfo"]
    assert "email" not in userinfo
    assert "family_name" not in userinfo


def test_12_2_refresh_answers_without_an_id_token_and_keeps_the_subject(
    openid_client, confidential
):
    # §12.2: the refresh response "might not contain an id_token"; Kiosque sends none (the
    # refresh stays within its statement budget), openid-client accepts that, and the new
    # access token still speaks for the same subject.
    rp, _user, cookie = confidential
    first = _flow(openid_client, rp, cookie)["tokens"]
    assert first["refresh_token"]
    refreshed = openid_client.ok("refresh", rp=rp.as_json(), refresh_token=first["refresh_token"])[
        "tokens"
    ]
    assert "id_token" not in refreshed
    assert refreshed["access_token"] != first["access_token"]
    userinfo = openid_client.ok(
        "userinfo",
        rp=rp.as_json(),
        access_token=refreshed["access_token"],
        sub=first["claims"]["sub"],
    )["userinfo"]
    assert userinfo["sub"] == first["claims"]["sub"]


def test_3_1_2_3_sign_in_through_the_pages_then_the_code(openid_client, password_account, provider):
    # No session: Kiosque shows its sign-in page, the user fills it in, and the authorization
    # request resumes; openid-client validates the ID token of that fresh sign-in.
    rp, user = password_account()
    start = openid_client.ok("authorize", rp=rp.as_json(), cookie=None)
    assert start["location"].startswith("/connexion/")
    callback, _cookie = sign_in_through_the_pages(provider, start["location"], user)
    tokens = openid_client.ok(
        "callback", rp=rp.as_json(), location=callback, checks=start["checks"]
    )["tokens"]
    assert tokens["claims"]["acr"] == "urn:kiosque:loa:pwd"
    assert tokens["claims"]["amr"] == ["pwd"]


# §3.1.2.3: with prompt=login (or max_age elapsed) the OP MUST reauthenticate the End-User
# even if already authenticated: the sign-in form is shown to the signed-in browser (no
# redirect loop), and the new sign-in gives a newer auth_time.
def _signed_in_then_asked_again(openid_client, password_account, provider, params):
    rp, user = password_account()
    start = openid_client.ok("authorize", rp=rp.as_json(), cookie=None)
    callback, cookie = sign_in_through_the_pages(provider, start["location"], user)
    first = openid_client.ok("callback", rp=rp.as_json(), location=callback, checks=start["checks"])
    time.sleep(1.1)  # auth_time counts seconds
    again = openid_client.ok("authorize", rp=rp.as_json(), cookie=cookie, params=params)
    assert again["location"].startswith("/connexion/")
    browser = requests.Session()
    name, value = cookie.split("=", 1)
    # The domain the cookie jar gives the provider's own cookies (a dotless host gets
    # ".local"), so the key the sign-in sets replaces this one instead of sitting next to it.
    host = urlsplit(provider).hostname
    browser.cookies.set(name, value, domain=host if "." in host else f"{host}.local")
    callback, _cookie = sign_in_through_the_pages(provider, again["location"], user, browser)
    second = openid_client.ok(
        "callback", rp=rp.as_json(), location=callback, checks=again["checks"]
    )
    return first["tokens"]["claims"], second["tokens"]["claims"]


def test_3_1_2_3_prompt_login_reauthenticates_a_signed_in_user(
    openid_client, password_account, provider
):
    first, second = _signed_in_then_asked_again(
        openid_client, password_account, provider, {"prompt": "login"}
    )
    assert second["auth_time"] > first["auth_time"]


def test_3_1_2_3_max_age_elapsed_reauthenticates_a_signed_in_user(
    openid_client, password_account, provider
):
    first, second = _signed_in_then_asked_again(
        openid_client, password_account, provider, {"max_age": "1"}
    )
    assert second["auth_time"] > first["auth_time"]
