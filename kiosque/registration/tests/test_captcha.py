"""The summary's captcha is an ALTCHA proof of work served from this site (no image, no CDN).
Attacks (forged, altered, replayed, expired solutions) are in test_security.py; Chromium
solving it, in test_browser.py."""

import base64
import hashlib
import re
from pathlib import Path

from kiosque.registration import captcha

VENDOR = Path(__file__).resolve().parents[1] / "static" / "registration" / "vendor" / "altcha"


def _injected_stylesheet() -> str:
    """The text of the <style> element the widget inserts (a JavaScript string literal)."""
    import json

    source = (VENDOR / "altcha.min.js").read_text()
    start = source.index("t.textContent=") + len("t.textContent=")
    quote = source[start]
    end = start + 1
    while source[end] != quote:
        end += 2 if source[end] == "\\" else 1
    literal = source[start + 1 : end]
    return json.loads('"' + literal.replace('"', '\\"').replace("\\'", "'") + '"')


def test_the_csp_allows_exactly_the_widgets_stylesheet():
    digest = hashlib.sha256(_injected_stylesheet().encode()).digest()
    assert f"'sha256-{base64.b64encode(digest).decode()}'" == captcha.WIDGET_STYLE_HASH


def test_the_summary_page_allows_that_stylesheet_only(client, wizard):
    wizard.complete()
    csp = client.get("/inscription/recapitulatif/")["Content-Security-Policy"]
    style = re.search(r"style-src ([^;]+)", csp).group(1).split()
    assert style == ["'self'", captcha.WIDGET_STYLE_HASH]
    assert "unsafe-inline" not in csp
    assert captcha.WIDGET_STYLE_HASH not in client.get("/inscription/")["Content-Security-Policy"]


def test_the_widget_is_vendored_with_its_licence():
    for name in ("altcha.min.js", "pbkdf2.worker.js", "i18n-fr-fr.js", "LICENSE.txt"):
        assert (VENDOR / name).is_file(), name
    assert "MIT License" in (VENDOR / "LICENSE.txt").read_text()


def test_the_summary_loads_nothing_from_elsewhere(client, wizard):
    wizard.complete()
    page = client.get("/inscription/recapitulatif/").content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', page)
