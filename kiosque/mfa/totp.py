"""TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) with pyotp, and its QR code."""

import hmac
import time

import pyotp
import segno
from django.utils.safestring import mark_safe

from kiosque.core import app_settings as core_settings

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # one step of clock drift accepted either way
SECRET_LENGTH = 32  # base32 characters: 160 bits, the HMAC-SHA1 block the RFC recommends


def new_secret() -> str:
    return pyotp.random_base32(SECRET_LENGTH)


def time_step(for_time: float | None = None) -> int:
    return int((time.time() if for_time is None else for_time) // STEP_SECONDS)


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, *, for_time: float | None = None) -> int | None:
    """The time step whose code is `code`, within the accepted drift, else None."""
    now_step = time_step(for_time)
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        # Every candidate is compared (no early exit) so timing says nothing about the step.
        if hmac.compare_digest(code_at_step(secret, step), code) and found is None:
            found = step
    return found


def provisioning_uri(secret: str, account: str) -> str:
    issuer = core_settings.PLATFORM_NAME
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def grouped(secret: str) -> str:
    """The key as shown to type it by hand: groups of four characters."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(uri: str, *, title: str) -> str:
    """The otpauth URI as an inline SVG QR code (no style attribute: CSP forbids them)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=4, svgclass="totp-qr", lineclass=None, title=title, dark="#000"
    )
    if "style=" in svg:  # segno never writes one today; a CSP-blocked QR code must not ship
        raise ValueError("segno produced an inline style attribute")
    # segno escapes the title and emits only its own markup (paths of the QR modules).
    return mark_safe(svg)  # noqa: S308
