"""Brute-force limits on password attempts, per account and per client IP.

After `DELAY_AFTER` failures each new attempt must wait a growing delay (doubling, capped);
at `LOCK_AFTER` failures the key is locked for `LOCK_MINUTES`. Failures are counted with one
atomic upsert and the lock is taken with a conditional UPDATE, so the limits hold across
processes and nodes (and do not depend on Redis). An unknown login is counted under its own
key exactly like an account, so both answer alike.
"""

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import ngettext

from kiosque.accounts import conf
from kiosque.accounts.models import LoginThrottle
from kiosque.core import ratelimit

UPSERT_SQL = (
    "INSERT INTO {t} (key, failures, last_failure_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN {t}.last_failure_at IS NULL OR {t}.last_failure_at < %s "
    "THEN 1 ELSE {t}.failures + 1 END, last_failure_at = %s "
    "RETURNING failures"
)


@dataclass(frozen=True)
class Limits:
    delay_after: int
    lock_after: int


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # seconds
    locked: bool

    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if self.locked:
            return ngettext(
                "Ce compte est temporairement verrouillé après de trop nombreuses tentatives. "
                "Réessayez dans %(minutes)d minute.",
                "Ce compte est temporairement verrouillé après de trop nombreuses tentatives. "
                "Réessayez dans %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        return ratelimit.wait_message(self.retry_after)


def account_limits() -> Limits:
    return Limits(conf.get("KIOSQUE_LOGIN_DELAY_AFTER"), conf.get("KIOSQUE_LOGIN_LOCK_AFTER"))


def ip_limits() -> Limits:
    return Limits(conf.get("KIOSQUE_LOGIN_IP_DELAY_AFTER"), conf.get("KIOSQUE_LOGIN_IP_LOCK_AFTER"))


def account_key(user=None, identifier: str = "") -> str:
    if user is not None:
        return f"user:{user.pk}"
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:40]
    return f"login:{digest}"


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"[:100]


def _memory_start(now):
    return now - timedelta(hours=conf.get("KIOSQUE_LOGIN_FAILURE_MEMORY_HOURS"))


def _delay(failures: int, limits: Limits) -> timedelta:
    base = conf.get("KIOSQUE_LOGIN_DELAY_SECONDS")
    if base <= 0 or failures < limits.delay_after:
        return timedelta(0)
    seconds = min(
        base * 2 ** (failures - limits.delay_after), conf.get("KIOSQUE_LOGIN_DELAY_MAX_SECONDS")
    )
    return timedelta(seconds=seconds)


def check(key: str, limits: Limits, now=None) -> Refusal | None:
    """Whether an attempt under `key` must wait (delay or lock), before checking a password."""
    return check_keys([(key, limits)], now)[0]


def check_keys(checks: list[tuple[str, Limits]], now=None) -> tuple[Refusal | None, set[str]]:
    """`check` for several keys with one query: the first refusal in the order given, and the
    keys that have a row (a key without one has nothing to clear)."""
    now = now or timezone.now()
    rows = {row.key: row for row in LoginThrottle.objects.filter(key__in=[k for k, _ in checks])}
    for key, limits in checks:
        if key in rows:
            refusal = _refusal(rows[key], limits, now)
            if refusal is not None:
                return refusal, set(rows)
    return None, set(rows)


def _refusal(row: LoginThrottle, limits: Limits, now) -> Refusal | None:
    if row.locked_until and row.locked_until > now:
        return Refusal(math.ceil((row.locked_until - now).total_seconds()), locked=True)
    if row.last_failure_at is None or row.last_failure_at < _memory_start(now):
        return None
    wait_until = row.last_failure_at + _delay(row.failures, limits)
    if wait_until > now:
        return Refusal(max(1, math.ceil((wait_until - now).total_seconds())), locked=False)
    return None


def record_failure(key: str, limits: Limits, now=None) -> bool:
    """Count one failure; returns True when this very failure locked the key."""
    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    sql = UPSERT_SQL.format(t=connection.ops.quote_name(LoginThrottle._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, adapt(now), adapt(_memory_start(now)), adapt(now)])
        failures = cursor.fetchone()[0]
    if failures < limits.lock_after:
        return False
    until = now + timedelta(minutes=conf.get("KIOSQUE_LOGIN_LOCK_MINUTES"))
    # Only the request whose failure reached the threshold takes the lock (and sends the mail).
    return (
        LoginThrottle.objects.filter(key=key, failures__gte=limits.lock_after).update(
            locked_until=until, failures=0
        )
        == 1
    )


def clear(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def clear_account(user) -> None:
    clear(account_key(user))


def purge(now=None) -> int:
    now = now or timezone.now()
    deleted, _ = (
        LoginThrottle.objects.filter(last_failure_at__lt=_memory_start(now))
        .exclude(locked_until__gt=now)
        .delete()
    )
    return deleted
