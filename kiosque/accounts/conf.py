"""The accounts settings, with their defaults (settings.py reads them from the environment)."""

from django.conf import settings

DEFAULTS = {
    # Second factor after the password (the mail code is always available).
    "KIOSQUE_SECOND_FACTOR_REQUIRED": True,
    # Password policy of the 2025 guide.
    "KIOSQUE_PASSWORD_MIN_LENGTH": 12,
    "KIOSQUE_PASSWORD_MIN_LOWER": 1,
    "KIOSQUE_PASSWORD_MIN_UPPER": 1,
    "KIOSQUE_PASSWORD_MIN_DIGITS": 1,
    "KIOSQUE_PASSWORD_MIN_SPECIAL": 1,
    "KIOSQUE_PASSWORD_HISTORY": 5,
    # "Valid 4 months": 122 days (the longest 4 consecutive months hold 123 days, the
    # shortest 120; a fixed number of days keeps the rule simple to state and to test).
    "KIOSQUE_PASSWORD_MAX_AGE_DAYS": 122,
    "KIOSQUE_PASSWORD_REMINDER_DAYS": (14, 3),
    "KIOSQUE_PASSWORD_RESET_HOURS": 24,
    # Brute force: per account and per client IP (the lock thresholds are the rates
    # login.account and login.ip of core/ratelimit.py).
    "KIOSQUE_LOGIN_DELAY_AFTER": 5,
    "KIOSQUE_LOGIN_DELAY_SECONDS": 2,
    "KIOSQUE_LOGIN_DELAY_MAX_SECONDS": 300,
    "KIOSQUE_LOGIN_LOCK_MINUTES": 15,
    "KIOSQUE_LOGIN_IP_DELAY_AFTER": 20,
    # Sessions.
    "KIOSQUE_SESSION_IDLE_SECONDS": 4 * 3600,
    "KIOSQUE_SESSION_ABSOLUTE_SECONDS": 12 * 3600,
    "KIOSQUE_CONNECTION_HISTORY_DAYS": 365,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
