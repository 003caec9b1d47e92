"""The passkey settings, with their defaults (settings.py reads them from the environment)."""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULTS = {
    # Passkeys (WebAuthn). RP ID: the host name of KIOSQUE_BASE_URL when empty.
    "KIOSQUE_PASSKEY_RP_ID": "",
    "KIOSQUE_PASSKEY_RP_NAME": "Kiosque",
    # Origins accepted in clientDataJSON: KIOSQUE_BASE_URL when empty.
    "KIOSQUE_PASSKEY_ORIGINS": (),
    # Lifetime of a WebAuthn challenge, and the browser's timeout.
    "KIOSQUE_PASSKEY_CHALLENGE_SECONDS": 300,
    # The AAGUIDs of the homologated authenticators; empty: every authenticator.
    # When set, registration asks for "direct" attestation (see docs/configuration.md).
    "KIOSQUE_PASSKEY_ALLOWED_AAGUIDS": (),
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def rp_id() -> str:
    return get("KIOSQUE_PASSKEY_RP_ID") or urlsplit(settings.KIOSQUE_BASE_URL).hostname or ""


def origins() -> list[str]:
    return list(get("KIOSQUE_PASSKEY_ORIGINS")) or [settings.KIOSQUE_BASE_URL.rstrip("/")]


def allowed_aaguids() -> frozenset[str]:
    return frozenset(str(a).strip().lower() for a in get("KIOSQUE_PASSKEY_ALLOWED_AAGUIDS") if a)
