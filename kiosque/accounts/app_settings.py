"""The accounts settings, with their defaults (docs/configuration.md lists them all).

Read them here: `from kiosque.accounts import app_settings; app_settings.PASSWORD_HISTORY`.
"""

from kiosque.config import AppSettings, Setting


class AccountsSettings(AppSettings):
    # Second factor after the password (the mail code is always available).
    SECOND_FACTOR_REQUIRED = Setting(True)
    # Password policy of the 2025 guide.
    PASSWORD_MIN_LENGTH = Setting(12)
    PASSWORD_MIN_LOWER = Setting(1)
    PASSWORD_MIN_UPPER = Setting(1)
    PASSWORD_MIN_DIGITS = Setting(1)
    PASSWORD_MIN_SPECIAL = Setting(1)
    PASSWORD_HISTORY = Setting(5)
    # "Valid 4 months": 122 days (the longest 4 consecutive months hold 123 days, the
    # shortest 120; a fixed number of days keeps the rule simple to state and to test).
    PASSWORD_MAX_AGE_DAYS = Setting(122)
    # Days before expiry at which a reminder is mailed.
    PASSWORD_REMINDER_DAYS = Setting((14, 3), item=int)
    PASSWORD_RESET_HOURS = Setting(24)
    # Brute force: per account and per client IP (the lock thresholds are the rates
    # login.account and login.ip of core/ratelimit.py).
    LOGIN_DELAY_AFTER = Setting(5)
    LOGIN_DELAY_SECONDS = Setting(2)
    LOGIN_DELAY_MAX_SECONDS = Setting(300)
    LOGIN_LOCK_MINUTES = Setting(15)
    LOGIN_IP_DELAY_AFTER = Setting(20)
    # How long a sign-in in progress (password given, second factor awaited) stays open.
    LOGIN_STAGE_SECONDS = Setting(1800)
    # Sessions.
    SESSION_IDLE_SECONDS = Setting(4 * 3600)
    SESSION_ABSOLUTE_SECONDS = Setting(12 * 3600)
    CONNECTION_HISTORY_DAYS = Setting(365)
    # argon2id (accounts/hashers.py): cost, hashes at once per process, and the nice steps
    # of the hashing threads above the process's (0: same priority).
    ARGON2_MEMORY_KIB = Setting(19 * 1024)
    ARGON2_TIME_COST = Setting(2)
    ARGON2_PARALLELISM = Setting(1)
    ARGON2_CONCURRENCY = Setting(1)
    ARGON2_NICE = Setting(10)


_settings = AccountsSettings()


def __getattr__(name: str):
    return getattr(_settings, name)
