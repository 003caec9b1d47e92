"""The summary's captcha: an ALTCHA proof of work (the `altcha` library, PoW v2), no image.

The applicant's browser fetches a challenge (`challenge()`, served by the summary's
"verification" URL), computes its proof of work in a Web Worker (the vendored widget in
static/registration/vendor/altcha/) and posts the solution with the form. The server checks it:

- the challenge is signed with KIOSQUE_CAPTCHA_HMAC_KEY: a forged or altered one is refused;
- it expires KIOSQUE_CAPTCHA_SECONDS after it was issued;
- it serves once: its signature is recorded (UsedChallenge) until it expires, a replay is
  refused, whether the first use was accepted or not.

No third party sees the applicant; no image to read, no audio to hear. KIOSQUE_CAPTCHA_TEST_MODE
(refused in production) also accepts the solution "PASSED", for tests that do not run a browser.
"""

import binascii
import json
from datetime import UTC, datetime, timedelta

import altcha
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kiosque.registration import app_settings
from kiosque.registration.models import UsedChallenge

TEST_SOLUTION = "PASSED"
# The widget inserts its stylesheet as a <style> element: the summary page's CSP allows exactly
# that one (sha256 of its text; test_captcha.py recomputes it from the vendored file).
WIDGET_STYLE_HASH = "'sha256-be85zOGuGBhguQBGd1ooC4KSYE5ispDi4aCmIYqI/L0='"
ALGORITHM = "PBKDF2/SHA-256"
MAX_PAYLOAD_LENGTH = 4000

AGAIN = _("Attendez qu'elle soit refaite (« Vérifié »), puis envoyez à nouveau votre demande.")
MESSAGES = {
    "required": _(
        "Attendez la fin de la vérification anti-robot (« Vérifié »), puis envoyez votre demande."
    ),
    "invalid": _("La vérification anti-robot a échoué."),
    "expired": _("La vérification anti-robot a expiré."),
    "replayed": _("Cette vérification anti-robot a déjà servi."),
}


def _key() -> str:
    return app_settings.CAPTCHA_HMAC_KEY


def challenge(now=None) -> dict:
    """A new signed challenge, as the widget fetches it (JSON)."""
    now = now or timezone.now()
    issued = altcha.create_challenge(
        algorithm=ALGORITHM,
        cost=app_settings.CAPTCHA_COST,
        expires_at=now + timedelta(seconds=app_settings.CAPTCHA_SECONDS),
        hmac_secret=_key(),
    )
    return issued.to_dict()


def _refuse(code: str) -> ValidationError:
    if code == "required":
        return ValidationError(MESSAGES[code], code=code)
    return ValidationError(format_lazy("{} {}", MESSAGES[code], AGAIN), code=code)


def verify(payload: str, now=None) -> None:
    """Accept a solution once, or raise ValidationError (codes: required, invalid, expired,
    replayed)."""
    payload = (payload or "").strip()
    if not payload:
        raise _refuse("required")
    if app_settings.CAPTCHA_TEST_MODE and payload == TEST_SOLUTION:
        return
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise _refuse("invalid")
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError) as error:
        raise _refuse("invalid") from error
    expires_at = parsed.challenge.parameters.expires_at
    if not parsed.challenge.signature or not isinstance(expires_at, int):
        raise _refuse("invalid")  # every challenge of ours is signed and expires
    result = altcha.verify_solution(parsed, _key())
    if result.expired:
        raise _refuse("expired")
    if not result.verified:
        raise _refuse("invalid")
    _spend(parsed.challenge.signature, datetime.fromtimestamp(expires_at, tz=UTC), now)


def _spend(signature: str, expires_at: datetime, now=None) -> None:
    now = now or timezone.now()
    UsedChallenge.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(signature=signature[:128], expires_at=expires_at)
    except IntegrityError as error:
        raise _refuse("replayed") from error


class AltchaWidget(forms.Widget):
    """The <altcha-widget> element: it fetches its challenge and fills a hidden input named
    like the field with the solution."""

    template_name = "registration/widgets/altcha.html"
    use_fieldset = True  # its legend and hint group the element and its <noscript> note

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        context["widget"]["challenge_url"] = reverse("registration:captcha_challenge")
        return context


class AltchaField(forms.Field):
    widget = AltchaWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)  # an empty solution gets the field's own message
        super().__init__(**kwargs)

    def clean(self, value):
        verify(str(value or ""))
        return True
