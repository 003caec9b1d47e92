"""Pro Santé Connect's logout (issue 19): PSC's back-channel logout ends the Kiosque
sessions its sign-in opened; signing out of Kiosque after a PSC sign-in signs out of PSC
(RP-initiated logout, id_token_hint and post_logout_redirect_uri)."""

import re
import time
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.sessions.models import Session

from kiosque.accounts.models import UserSession
from kiosque.audit.models import AuditEvent
from kiosque.oidc.tests import psc_helpers
from kiosque.oidc.tests.factories import professional
from kiosque.professionals.models import PscSession

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BACKCHANNEL = "/connexion/psc/deconnexion-backchannel/"
EVENT = {"http://schemas.openid.net/event/backchannel-logout": {}}


@pytest.fixture
def pasteur(psc_provider, provider, make_user):
    user = make_user()
    professional(user, rpps="10000000009")
    browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.headers["Location"] == "/applications/"
    return user, browser


def _signed_in(provider, browser) -> bool:
    page = browser.get(f"{provider}/applications/", allow_redirects=False, timeout=10)
    return page.status_code == 200


def _logout_at_psc(psc_issuer, browser):
    """The professional signs out on PSC's side (its end-session page, confirmed)."""
    page = browser.get(f"{psc_issuer}/session/end", timeout=10)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    return browser.post(urljoin(page.url, action), data={"xsrf": xsrf, "logout": "yes"}, timeout=15)


def test_the_psc_sign_in_notes_psc_sid_and_sub(pasteur):
    user, _browser = pasteur
    row = PscSession.objects.get(user_session__user=user)
    assert row.psc_sub == "psc-810000000009"
    assert row.psc_sid


def test_psc_back_channel_logout_ends_the_kiosque_session(psc_provider, provider, pasteur):
    user, browser = pasteur
    assert _signed_in(provider, browser)
    _logout_at_psc(psc_provider, browser)
    assert not _signed_in(provider, browser)
    assert not UserSession.objects.filter(user=user).exists()
    assert not PscSession.objects.exists()
    event = AuditEvent.objects.get(action="logout", actor=user)
    assert event.context == {"method": "psc", "reason": "psc_backchannel"}


def _signed_by_psc(psc_issuer, **claims) -> str:
    return requests.post(f"{psc_issuer}/test/logout-token", json=claims, timeout=10).text


def _valid_claims(psc_issuer, settings, row, **changes):
    claims = {
        "iss": psc_issuer,
        "aud": settings.KIOSQUE_PSC_CLIENT_ID,
        "iat": int(time.time()),
        "jti": f"jti-{time.time_ns()}",
        "events": EVENT,
        "sid": row.psc_sid,
        "sub": row.psc_sub,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://evil.example"},
        {"aud": "another-client"},
        {"iat": None},
        {"iat": int(time.time()) - 3600},
        {"iat": int(time.time()) + 3600},
        {"events": None},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"nonce": "n-0S6_WzA2Mj"},
        {"sid": None, "sub": None},
    ],
    ids=[
        "iss",
        "aud",
        "no-iat",
        "old-iat",
        "future-iat",
        "no-events",
        "other-event",
        "nonce",
        "no-sid-sub",
    ],
)
def test_a_logout_token_wrong_in_its_claims_ends_nothing(
    psc_provider, provider, pasteur, settings, changes
):
    user, browser = pasteur
    row = PscSession.objects.get(user_session__user=user)
    token = _signed_by_psc(psc_provider, **_valid_claims(psc_provider, settings, row, **changes))
    reply = requests.post(f"{provider}{BACKCHANNEL}", data={"logout_token": token}, timeout=10)
    assert reply.status_code == 400
    assert "no-store" in reply.headers["Cache-Control"]
    assert _signed_in(provider, browser)
    event = AuditEvent.objects.get(action="logout", outcome="failure")
    assert event.context["reason"] == "psc_logout_token_invalid"


def test_a_logout_token_not_signed_by_psc_ends_nothing(psc_provider, provider, pasteur, settings):
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    user, browser = pasteur
    row = PscSession.objects.get(user_session__user=user)
    forger = RSAKey.generate_key(2048, parameters={"kid": "psc-test-key"})
    token = jwt.encode(
        {"alg": "RS256", "kid": "psc-test-key"}, _valid_claims(psc_provider, settings, row), forger
    )
    reply = requests.post(f"{provider}{BACKCHANNEL}", data={"logout_token": token}, timeout=10)
    assert reply.status_code == 400
    assert _signed_in(provider, browser)


def test_a_logout_token_by_sub_alone_ends_the_session_and_cannot_be_replayed(
    psc_provider, provider, pasteur, settings
):
    user, browser = pasteur
    row = PscSession.objects.get(user_session__user=user)
    token = _signed_by_psc(psc_provider, **_valid_claims(psc_provider, settings, row, sid=None))
    reply = requests.post(f"{provider}{BACKCHANNEL}", data={"logout_token": token}, timeout=10)
    assert reply.status_code == 200
    assert not _signed_in(provider, browser)
    again = requests.post(f"{provider}{BACKCHANNEL}", data={"logout_token": token}, timeout=10)
    assert again.status_code == 400


def test_signing_out_of_kiosque_signs_out_of_psc(psc_provider, provider, pasteur):
    user, browser = pasteur
    stored = [row.get_decoded() for row in Session.objects.all()]
    bye = psc_helpers.post_form(browser, f"{provider}/applications/", f"{provider}/deconnexion/")
    assert bye.status_code == 302
    target = urlsplit(bye.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == psc_provider
    query = parse_qs(target.query)
    assert query["post_logout_redirect_uri"] == [f"{provider}/connexion/"]
    assert query["id_token_hint"][0].count(".") == 2
    # The session kept PSC's ID token encrypted, never as the token itself.
    assert stored and all(query["id_token_hint"][0] not in str(data) for data in stored)
    assert not Session.objects.exists() or not _signed_in(provider, browser)
    # At PSC: its confirmation, then back to Kiosque's sign-in page, signed out of PSC too.
    page = browser.get(bye.headers["Location"], timeout=10)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    done = browser.post(
        urljoin(page.url, action),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=15,
    )
    assert done.headers["Location"].startswith(f"{provider}/connexion/")
    # PSC forgot the professional: a new PSC sign-in asks for the card again.
    again = browser.get(f"{provider}/connexion/psc/", allow_redirects=True, timeout=15)
    assert 'autocomplete="off"' in again.text


def test_a_password_sign_in_signs_out_of_kiosque_only(provider, make_user, signed_in):
    user = make_user()
    browser = signed_in(user)
    bye = psc_helpers.post_form(browser, f"{provider}/applications/", f"{provider}/deconnexion/")
    assert bye.headers["Location"] == "/connexion/"


def _metadata_requests(psc_issuer) -> int:
    """How many times PSC's OpenID metadata was fetched (its test hook counts them)."""
    return int(requests.get(f"{psc_issuer}/test/metadata-requests", timeout=10).text)


def _sign_in_and_out_at_psc(provider) -> str:
    """A PSC sign-in, then "Déconnexion": where Kiosque sends the browser."""
    browser, final = psc_helpers.sign_in(provider, "810000000009")
    assert final.headers["Location"] == "/applications/"
    bye = psc_helpers.post_form(browser, f"{provider}/applications/", f"{provider}/deconnexion/")
    return bye.headers["Location"]


def test_the_sign_in_and_two_sign_outs_fetch_psc_metadata_once(
    psc_provider, provider, make_user, clock
):
    professional(make_user(), rpps="10000000009")
    before = _metadata_requests(psc_provider)
    for _ in range(2):
        assert _sign_in_and_out_at_psc(provider).startswith(f"{psc_provider}/session/end?")
    assert _metadata_requests(psc_provider) == before + 1


def test_psc_metadata_is_fetched_again_after_its_setting(
    psc_provider, provider, make_user, clock, settings
):
    settings.KIOSQUE_PSC_METADATA_SECONDS = 600
    professional(make_user(), rpps="10000000009")
    before = _metadata_requests(psc_provider)
    _sign_in_and_out_at_psc(provider)
    clock.advance(seconds=599)
    _sign_in_and_out_at_psc(provider)
    assert _metadata_requests(psc_provider) == before + 1
    clock.advance(seconds=1)
    assert _sign_in_and_out_at_psc(provider).startswith(f"{psc_provider}/session/end?")
    assert _metadata_requests(psc_provider) == before + 2
