"""The second-factor settings, with their defaults (docs/configuration.md lists them all).

Read them here: `from kiosque.mfa import app_settings; app_settings.MAIL_CODE_SECONDS`.
"""

from urllib.parse import urlsplit

from kiosque.config import AppSettings, Setting
from kiosque.core import app_settings as core_settings


class MfaSettings(AppSettings):
    # Lifetime of a code sent by mail (20 minutes, as in the guide).
    MAIL_CODE_SECONDS = Setting(1200)
    # Reviewers and administrators must use an OTP app.
    STAFF_REQUIRE_TOTP = Setting(False)
    # Passkeys (WebAuthn). RP ID: the host name of KIOSQUE_BASE_URL when empty.
    PASSKEY_RP_ID = Setting("")
    PASSKEY_RP_NAME = Setting("Kiosque")
    # Origins accepted in clientDataJSON: KIOSQUE_BASE_URL when empty.
    PASSKEY_ORIGINS = Setting([])
    # Lifetime of a WebAuthn challenge, and the browser's timeout.
    PASSKEY_CHALLENGE_SECONDS = Setting(300)
    # The AAGUIDs of the homologated authenticators; empty: every authenticator.
    # When set, registration asks for "direct" attestation (see docs/configuration.md).
    PASSKEY_ALLOWED_AAGUIDS = Setting([])

    @property
    def rp_id(self) -> str:
        return self.PASSKEY_RP_ID or urlsplit(core_settings.BASE_URL).hostname or ""

    @property
    def origins(self) -> list[str]:
        return list(self.PASSKEY_ORIGINS) or [core_settings.BASE_URL.rstrip("/")]

    @property
    def allowed_aaguids(self) -> frozenset[str]:
        return frozenset(str(a).strip().lower() for a in self.PASSKEY_ALLOWED_AAGUIDS if a)


_settings = MfaSettings()


def __getattr__(name: str):
    return getattr(_settings, name)
