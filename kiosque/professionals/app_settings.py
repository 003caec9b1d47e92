"""The professionals settings, with their defaults (docs/configuration.md lists them all).

Read them here: `from kiosque.professionals import app_settings`.
"""

from kiosque.config import AppSettings, Setting


class ProfessionalsSettings(AppSettings):
    # Lifetime of the temporary password mailed when an account is created or resent.
    TEMPORARY_PASSWORD_DAYS = Setting(7)


_settings = ProfessionalsSettings()


def __getattr__(name: str):
    return getattr(_settings, name)
