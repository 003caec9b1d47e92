"""The registration settings, with their defaults (docs/configuration.md lists them all).

Read them here: `from kiosque.registration import app_settings; app_settings.CAPTCHA_COST`.
"""

from kiosque.config import AppSettings, Setting


class RegistrationSettings(AppSettings):
    # The captcha also accepts the solution "PASSED" (tests that run no browser).
    CAPTCHA_TEST_MODE = Setting(False)
    # Key signing the ALTCHA challenges; settings.py derives one from SECRET_KEY when unset.
    CAPTCHA_HMAC_KEY = Setting()
    # PBKDF2 iterations per attempt of the proof of work, and a challenge's lifetime.
    CAPTCHA_COST = Setting(5000)
    CAPTCHA_SECONDS = Setting(1200)
    # Lifetime of the link a reviewer sends to ask for more information.
    CORRECTION_TOKEN_DAYS = Setting(14)


_settings = RegistrationSettings()


def __getattr__(name: str):
    return getattr(_settings, name)
