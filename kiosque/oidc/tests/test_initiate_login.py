"""The DCC tile signs the professional into the DCC demo: third-party-initiated login
(OpenID Connect Core §4), from Kiosque's tile to the demo's /initiate-login and back."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def dcc_tile(dcc_demo):
    """The demo's catalogue entry as `kiosque demo` writes it: launch and initiate-login."""
    rp, client = dcc_demo
    application = client.application
    application.launch_url = f"{rp}/"
    application.initiate_login_uri = f"{rp}/initiate-login"
    application.save(update_fields=["launch_url", "initiate_login_uri"])
    return rp, client


def test_the_tile_lands_signed_in_on_mes_rcp(provider, dcc_tile, make_user, grant, signed_in):
    rp, client = dcc_tile
    user = make_user(first_name="Nathalie", last_name="Dupont")
    grant(user, client, "medecin-rcp")
    browser = signed_in(user)
    response = browser.get(f"{provider}/applications/dcc/ouvrir/", timeout=15)
    assert response.status_code == 200, response.text[:500]
    assert response.url == f"{rp}/"
    assert "<h1>Mes RCP</h1>" in response.text
    assert "Nathalie Dupont" in response.text
    assert "pas connecté" not in response.text
    hops = [urlsplit(r.headers["Location"]).path for r in response.history]
    assert hops[:2] == ["/initiate-login", "/oidc/authorize/"]  # no "Se connecter" click


def test_target_link_uri_is_followed_on_the_demo_only(provider, dcc_tile, make_user, grant):
    from kiosque.oidc.tests.conftest import browser_session

    rp, client = dcc_tile
    user = make_user()
    grant(user, client)
    for target, landing in (
        (f"{rp}/?vue=semaine", f"{rp}/?vue=semaine"),
        ("https://ailleurs.example/piege", f"{rp}/"),  # not an open redirector
    ):
        browser = browser_session(provider, user)
        query = urlencode({"iss": provider, "target_link_uri": target})
        response = browser.get(f"{rp}/initiate-login?{query}", timeout=15)
        assert response.url == landing
        assert "<h1>Mes RCP</h1>" in response.text


def test_the_demo_validates_iss_and_passes_login_hint(provider, dcc_tile):
    rp, client = dcc_tile
    for params in ({}, {"iss": "https://faux-portail.example"}, {"iss": provider + "/autre"}):
        refused = requests.get(
            f"{rp}/initiate-login", params=params, allow_redirects=False, timeout=10
        )
        assert refused.status_code == 400, params
        assert "Connexion impossible" in refused.text

    started = requests.get(
        f"{rp}/initiate-login",
        params={"iss": provider, "login_hint": "ndupont"},
        allow_redirects=False,
        timeout=10,
    )
    assert started.status_code == 302
    location = urlsplit(started.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{provider}/oidc/authorize/"
    )
    query = parse_qs(location.query)
    assert query["client_id"] == [client.client_id]
    assert query["login_hint"] == ["ndupont"]
    # A third party may also POST it (no CSRF token to expect).
    posted = requests.post(
        f"{rp}/initiate-login", data={"iss": provider}, allow_redirects=False, timeout=10
    )
    assert posted.status_code == 302
    assert posted.headers["Location"].startswith(f"{provider}/oidc/authorize/?")
