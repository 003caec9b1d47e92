"""Signing out of Kiosque signs the user out of the applications (back-channel logout)."""

import pytest
import requests

from kiosque.oidc.models import SignIn, Subject, Token

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _sign_in_to_demo(browser, rp):
    """The demo's "Se connecter", through Kiosque (already signed in), back to "Mes RCP"."""
    response = browser.get(f"{rp}/login", timeout=15)
    assert response.status_code == 200, response.text[:500]
    assert "Mes RCP" in response.text
    return response


def _kiosque_logout(browser, base_url):
    browser.get(f"{base_url}/connexion/", timeout=10)
    token = browser.cookies.get("csrftoken")
    return browser.post(
        f"{base_url}/deconnexion/",
        headers={"X-CSRFToken": token, "Referer": f"{base_url}/"},
        allow_redirects=False,
        timeout=15,
    )


def test_demo_receives_identity_and_roles(dcc_demo, make_user, grant, signed_in):
    rp, client = dcc_demo
    user = make_user(first_name="Marie", last_name="Curie")
    grant(user, client, "medecin-rcp")
    page = _sign_in_to_demo(signed_in(user), rp).text
    assert "Marie Curie" in page
    assert "medecin-rcp" in page
    assert str(Subject.objects.get(user=user).sub) in page  # sub: opaque, not the login


def test_kiosque_logout_reaches_the_demo_and_revokes_tokens(
    provider, dcc_demo, make_user, grant, signed_in
):
    rp, client = dcc_demo
    user = make_user()
    grant(user, client)
    browser = signed_in(user)
    _sign_in_to_demo(browser, rp)
    sign_in = SignIn.objects.get(user=user)
    assert Token.objects.filter(user=user, revoked_at__isnull=True).exists()

    response = _kiosque_logout(browser, provider)
    assert response.status_code in (200, 302)

    ended = requests.get(f"{rp}/ended-sessions", timeout=5).json()["ended_sids"]
    assert str(sign_in.sid) in ended
    assert "Vous n'êtes pas connecté" in browser.get(f"{rp}/", timeout=5).text
    assert not Token.objects.filter(user=user, revoked_at__isnull=True).exists()
    sign_in.refresh_from_db()
    assert sign_in.ended_at is not None


def test_demo_refuses_a_forged_logout_token(dcc_demo):
    rp, _client = dcc_demo
    forged = "eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4In0."
    response = requests.post(f"{rp}/backchannel-logout", data={"logout_token": forged}, timeout=5)
    assert response.status_code == 400
    assert requests.get(f"{rp}/ended-sessions", timeout=5).json()["ended_sids"] == []


def test_rp_initiated_logout_ends_the_kiosque_session(
    provider, dcc_demo, make_user, grant, signed_in
):
    rp, client = dcc_demo
    user = make_user()
    grant(user, client)
    browser = signed_in(user)
    _sign_in_to_demo(browser, rp)
    assert "Se déconnecter du DCC ?" in browser.get(f"{rp}/logout", timeout=15).text
    response = browser.post(
        f"{rp}/logout",
        data={"csrfmiddlewaretoken": browser.cookies.get("dcc_demo_csrftoken")},
        timeout=15,
    )
    assert response.url.startswith(f"{rp}/?state=")
    assert "Vous n'êtes pas connecté" in response.text
    # The Kiosque session is over too: authorizing again asks for a sign-in.
    again = browser.get(f"{rp}/login", allow_redirects=True, timeout=15)
    assert "/connexion/" in again.url
