"""OpenID Connect RP-Initiated Logout 1.0, with the end-session URL openid-client builds."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # node process


@pytest.fixture
def signed_in_rp(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    return rp, cookie, tokens


def _end_session(openid_client, rp, cookie, **params):
    return openid_client.ok("end_session", rp=rp.as_json(), cookie=cookie, params=params)


def _still_signed_in(openid_client, rp, cookie) -> bool:
    answer = openid_client.call(
        "code_flow", rp=rp.as_json(), cookie=cookie, params={"prompt": "none"}
    )
    if answer["ok"]:
        return True
    assert answer["error"]["error"] == "login_required", answer["error"]
    return False


def test_2_1_end_session_endpoint_is_advertised(openid_client, register):
    rp = register()
    metadata = openid_client.ok("discover", rp=rp.as_json())["metadata"]
    assert metadata["end_session_endpoint"].startswith(rp.issuer)


def test_2_logout_with_the_hint_ends_the_session(openid_client, signed_in_rp):
    rp, cookie, tokens = signed_in_rp
    answer = _end_session(openid_client, rp, cookie, id_token_hint=tokens["id_token"])
    assert answer["status"] in (200, 302)
    assert not _still_signed_in(openid_client, rp, cookie)


def test_3_redirect_to_the_registered_uri_with_state(openid_client, signed_in_rp):
    rp, cookie, tokens = signed_in_rp
    answer = _end_session(
        openid_client,
        rp,
        cookie,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri=rp.post_logout_redirect_uri,
        state="bye-123",
    )
    assert answer["status"] == 302
    assert answer["location"] == f"{rp.post_logout_redirect_uri}?state=bye-123"
    assert not _still_signed_in(openid_client, rp, cookie)


def test_3_unregistered_post_logout_redirect_uri_is_not_followed(openid_client, signed_in_rp):
    rp, cookie, tokens = signed_in_rp
    answer = _end_session(
        openid_client,
        rp,
        cookie,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri="https://evil.example.net/",
    )
    assert not (answer["location"] or "").startswith("https://evil.example.net")


def test_2_client_id_without_hint_asks_the_user(openid_client, signed_in_rp):
    # §2: the OP SHOULD ask the End-User whether to log out; without a hint, Kiosque asks.
    rp, cookie, _tokens = signed_in_rp
    answer = _end_session(
        openid_client, rp, cookie, post_logout_redirect_uri=rp.post_logout_redirect_uri
    )  # openid-client adds client_id
    assert f"client_id={rp.client_id}" in answer["url"]
    assert answer["status"] == 200
    assert "Se déconnecter" in answer["body"]
    assert _still_signed_in(openid_client, rp, cookie)


def test_2_hint_of_another_client_is_not_used_for_its_redirect(openid_client, register, session):
    # §2: with both client_id and id_token_hint, the OP MUST verify the hint was issued to
    # that client; Kiosque then never redirects to the other client's URI.
    first, second = register(), register()
    _user, cookie = session(first, second)
    tokens = openid_client.ok("code_flow", rp=first.as_json(), cookie=cookie)["tokens"]
    answer = _end_session(
        openid_client,
        second,
        cookie,
        id_token_hint=tokens["id_token"],
        post_logout_redirect_uri=second.post_logout_redirect_uri,
    )
    assert not (answer["location"] or "").startswith(second.post_logout_redirect_uri)


# OPs MUST support HTTP GET and POST at the Logout Endpoint (form serialization).
def test_2_post_is_supported_with_form_serialization(openid_client, register, session):
    rp = register()
    _user, cookie = session(rp)
    tokens = openid_client.ok("code_flow", rp=rp.as_json(), cookie=cookie)["tokens"]
    answer = openid_client.ok(
        "end_session",
        rp=rp.as_json(),
        cookie=cookie,
        method="POST",
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": rp.post_logout_redirect_uri,
            "state": "s",
        },
    )
    assert answer["status"] == 302, (answer["status"], answer["body"][:300])
    assert answer["location"] == f"{rp.post_logout_redirect_uri}?state=s"
