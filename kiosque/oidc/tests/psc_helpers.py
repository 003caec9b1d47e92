"""Going through the PSC-shaped test provider (psc_provider/server.mjs) with requests."""

import re
from urllib.parse import urljoin

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PSC_FORM = re.compile(r'<form autocomplete="off" action="([^"]+)"')
CPS = "cps-pin"  # the CPS card and its PIN
E_CPS = "e-cps"  # the e-CPS application


def at_psc(browser, to_psc, national_id, means=CPS):
    """From `to_psc` (Kiosque's redirect to PSC), sign in at PSC with `national_id` and the
    means given, and come back: Kiosque's answer to PSC's return (redirect not followed)."""
    assert to_psc.is_redirect, to_psc.text[:300]
    page = browser.get(urljoin(to_psc.url, to_psc.headers["Location"]), timeout=15)
    assert page.status_code == 200, page.text[:300]
    action = PSC_FORM.search(page.text).group(1)
    back = browser.post(
        urljoin(page.url, action),
        data={"prompt": "login", "login": national_id, "password": means},
        allow_redirects=False,
        timeout=15,
    )
    while back.is_redirect and "/connexion/psc/retour/" not in back.headers["Location"]:
        back = browser.get(
            urljoin(back.url, back.headers["Location"]), allow_redirects=False, timeout=15
        )
    return browser.get(back.headers["Location"], allow_redirects=False, timeout=15)


def sign_in(provider, national_id, means=CPS, next_url="/applications/"):
    """Click "Se connecter avec Pro Santé Connect": (browser, Kiosque's answer)."""
    browser = requests.Session()
    start = browser.get(
        f"{provider}/connexion/psc/",
        params={"next": next_url},
        allow_redirects=False,
        timeout=15,
    )
    return browser, at_psc(browser, start, national_id, means)


def post_form(browser, page_url, action_url, **data):
    """POST a Kiosque form found on `page_url` (its CSRF token), redirect not followed."""
    page = browser.get(page_url, timeout=10)
    token = CSRF.search(page.text).group(1)
    return browser.post(
        action_url,
        data={"csrfmiddlewaretoken": token, **data},
        headers={"Referer": page_url},
        allow_redirects=False,
        timeout=15,
    )


def id_token_claims(id_token: str) -> dict:
    import base64
    import json

    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
