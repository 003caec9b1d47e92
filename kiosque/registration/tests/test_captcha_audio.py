"""The captcha's audio alternative (django-simple-captcha + Debian's flite)."""

import re
import shutil

import pytest
from captcha.conf import settings as captcha_settings

from kiosque.registration.tests.conftest import STEP_URLS, page_text


@pytest.fixture
def flite(monkeypatch):
    path = shutil.which("flite")
    assert path, "Debian's flite package must be installed (apt-get install flite)"
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", path)
    return path


def test_audio_link_offered_and_spoken(wizard, flite):
    wizard.complete()
    page = page_text(wizard.client.get(STEP_URLS["summary"]))
    audio = re.search(r'<a href="(/captcha/audio/[0-9a-f]{40}\.wav)"', page)
    assert audio, "no audio link"
    assert "Écouter le code (fichier audio)" in page
    response = wizard.client.get(audio.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_without_flite_no_audio_link_but_a_hint(wizard, monkeypatch):
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", None)
    wizard.complete()
    page = page_text(wizard.client.get(STEP_URLS["summary"]))
    assert "/captcha/audio/" not in page
    assert "Si vous ne pouvez pas lire l'image" in page
