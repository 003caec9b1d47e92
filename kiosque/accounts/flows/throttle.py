"""The sign-in's brute-force policy on the one limiter (core/ratelimit.py).

Failed password checks count per account (rate `login.account`) and per client address
(`login.ip`): after `KIOSQUE_LOGIN_DELAY_AFTER` failures each new attempt must wait a
growing delay (doubling, capped); at the rate's count the key is locked for
`KIOSQUE_LOGIN_LOCK_MINUTES`. An unknown login is counted under its own key exactly like an
account, so both answer alike.
"""

import hashlib

from kiosque.accounts import app_settings
from kiosque.core import ratelimit
from kiosque.core.ratelimit import Refusal, check, check_keys, record_failure

__all__ = ["Refusal", "check", "check_keys", "record_failure"]


def _lockout(rate_name: str, delay_after: str) -> ratelimit.Lockout:
    return ratelimit.Lockout(
        rate_name=rate_name,
        delay_after=getattr(app_settings, delay_after),
        delay_seconds=app_settings.LOGIN_DELAY_SECONDS,
        delay_max_seconds=app_settings.LOGIN_DELAY_MAX_SECONDS,
        lock_seconds=app_settings.LOGIN_LOCK_MINUTES * 60,
    )


def account_limits() -> ratelimit.Lockout:
    return _lockout("login.account", "LOGIN_DELAY_AFTER")


def ip_limits() -> ratelimit.Lockout:
    return _lockout("login.ip", "LOGIN_IP_DELAY_AFTER")


def account_key(user=None, identifier: str = "") -> str:
    if user is not None:
        return f"user:{user.pk}"
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:40]
    return f"login:{digest}"


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"[:100]


def clear(key: str) -> None:
    """Forget an account key's failures (after a right password)."""
    ratelimit.clear(key, account_limits())


def clear_account(user) -> None:
    clear(account_key(user))
