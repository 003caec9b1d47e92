"""The one rate limiter: named rates declared in settings, counted atomically in the database.

Every limit of Kiosque is a named rate such as ``"login.account": "20/24h"``, declared with
its default in `RATES` below; `KIOSQUE_RATE_LIMITS` (a dict, or in the environment
``name=rate,name=rate``) overrides any of them, and docs/configuration.md lists them all.
A rate reads "<count>/<period>", the period being a number (1 when left out) and a unit
``s``, ``m``, ``h`` or ``d``: "5/15m", "30/1h", "120/m". `parse_rate` is the only parser.

Two kinds of limits share one table (`RateLimitCounter`, one row per rate and key):

- fixed windows (`hit`, `peek`, the `limit` decorator, `count`/`exhausted` for views): at
  most <count> events per key in each window of <period>;
- failure counters with a progressive delay and a lock (`check`, `check_keys`,
  `record_failure`, `clear`): after `Lockout.delay_after` failures each attempt waits a
  doubling delay; at <count> failures the key is locked for `Lockout.lock_seconds`; the
  failures are forgotten <period> after the last one.

A hit is one statement: ``INSERT ... ON CONFLICT (key) DO UPDATE SET count = CASE WHEN
<stale> THEN 1 ELSE count + 1 END ... RETURNING count`` (raw SQL through the cursor, the
same on SQLite and PostgreSQL; the ORM's upsert cannot compute the count from the row). The
count returned is exactly this hit's: no hit is ever lost and the limits hold across
processes and nodes, on SQLite and PostgreSQL, without Redis. ``backend="cache"`` is for
cheap, high-frequency limits (autocomplete, Pro Santé Connect redirects); when the cache is
unreachable the database counts instead.
"""

import functools
import logging
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kiosque.core import app_settings
from kiosque.core.models import RateLimitCounter
from kiosque.core.proxy import client_ip

logger = logging.getLogger(__name__)

# Every rate, with its default. Keep docs/configuration.md in step.
RATES = {
    # Failed password checks (sign-in, current password when changing it): lock at <count>
    # failures, forgotten <period> after the last one (the delays are KIOSQUE_LOGIN_DELAY_*).
    "login.account": "20/24h",
    "login.ip": "100/24h",
    # Per client address. A hospital's staff share one public address: 30 registrations an
    # hour pass, and refused submissions (wrong captcha) have their own, larger budget.
    "registration.submit": "30/1h",
    "registration.failure": "100/1h",
    "registration.correction": "20/1h",
    "password_reset.ip": "30/1h",
    "password_reset.link": "60/1h",
    "forgotten_login.ip": "30/1h",
    "psc.start": "30/1m",
    "psc.callback": "30/1m",
    "directory.autocomplete": "120/1m",
    # Per e-mail address asked for (the mail is not sent beyond it).
    "password_reset.email": "5/1h",
    "forgotten_login.email": "5/1h",
    # Per account.
    "mfa.totp": "10/15m",
    "mfa.delete_password": "5/15m",
    "mfa.passkey": "10/15m",
    # Per client address (a hospital shares one): passwordless passkey sign-ins tried.
    "mfa.passkey_login": "100/15m",
}

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_PATTERN = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*")


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@functools.lru_cache(maxsize=256)
def parse_rate(text: str) -> Rate:
    """ "5/15m" -> Rate(limit=5, seconds=900). ValueError on anything else."""
    match = RATE_PATTERN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a rate: write <count>/<period>, such as '5/15m' or '30/1h' "
            "(units s, m, h, d)"
        )
    limit, number, unit = int(match[1]), int(match[2] or 1), match[3]
    if limit < 1 or number < 1:
        raise ValueError(f"{text!r} is not a rate: the count and the period must be positive")
    return Rate(limit=limit, seconds=number * UNITS[unit])


def _overrides() -> dict:
    return app_settings.RATE_LIMITS or {}


def rate(name: str) -> Rate:
    """The rate `name` as configured (KIOSQUE_RATE_LIMITS, else its default in RATES)."""
    if name not in RATES:
        raise ImproperlyConfigured(f"Unknown rate {name!r}; the rates are listed in RATES.")
    text = _overrides().get(name, RATES[name])
    try:
        return parse_rate(text)
    except ValueError as error:
        raise ImproperlyConfigured(f"KIOSQUE_RATE_LIMITS[{name!r}]: {error}") from None


def check_rate_settings(app_configs=None, **kwargs) -> list:
    """System check: every configured rate is known and parses (registered in CoreConfig)."""
    errors = []
    overrides = _overrides()
    if not isinstance(overrides, dict):
        return [checks.Error("KIOSQUE_RATE_LIMITS must be a dict of rate name -> rate.")]
    for name in sorted(set(overrides) | set(RATES)):
        if name not in RATES:
            errors.append(
                checks.Error(f"KIOSQUE_RATE_LIMITS: unknown rate {name!r}.", id="kiosque.E101")
            )
            continue
        try:
            rate(name)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="kiosque.E102"))
    return errors


# --- Counting ---------------------------------------------------------------------------


def _stored_key(rate_name: str, key: str) -> str:
    return f"{rate_name}:{key}"[:255]


def _upsert_sql() -> str:
    """The one statement of a hit, the same on SQLite (3.35+) and PostgreSQL: the row is
    inserted with a count of 1, or, when it exists, counted (restarting at 1 when its last hit
    is older than the window), and the new count returned."""
    meta = RateLimitCounter._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key, count, last_hit_at, expires_at = (
        quote(meta.get_field(name).column) for name in ("key", "count", "last_hit_at", "expires_at")
    )
    # Names from the model's metadata, quoted; the values are parameters.
    return (
        f"INSERT INTO {table} ({key}, {count}, {last_hit_at}, {expires_at}) "  # noqa: S608
        "VALUES (%s, 1, %s, %s) "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{last_hit_at} IS NULL OR {table}.{last_hit_at} < %s "
        f"THEN 1 ELSE {table}.{count} + 1 END, "
        f"{last_hit_at} = EXCLUDED.{last_hit_at}, {expires_at} = EXCLUDED.{expires_at} "
        f"RETURNING {count}"
    )


def _increment(stored_key: str, *, now: datetime, stale_before: datetime, expires_at) -> int:
    """Count one hit on `stored_key` (restarting at 1 when its last hit is older than
    `stale_before`) and return the new count, exactly, in one statement:
    ``INSERT ... ON CONFLICT (key) DO UPDATE SET count = CASE ... END ... RETURNING count``
    (raw SQL: the ORM's upsert cannot compute the count from the row). The row's lock makes
    concurrent hits line up; each reads its own count."""
    moment = RateLimitCounter._meta.get_field("last_hit_at")

    def value(when):
        return moment.get_db_prep_value(when, connection)

    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(), [stored_key, value(now), value(expires_at), value(stale_before)]
        )
        return cursor.fetchone()[0]


def _epoch(now) -> float:
    if now is None:
        return time.time()
    return now.timestamp() if isinstance(now, datetime) else float(now)


def _at(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def just_exceeded(self) -> bool:
        return self.count == self.limit + 1


def _window(seconds: int, now: float) -> tuple[float, float]:
    start = now // seconds * seconds
    return start, start + seconds


def _hit_cache(bucket: str, seconds: int) -> int:
    cache.add(bucket, 0, timeout=seconds + 1)
    return cache.incr(bucket)


def hit(key: str, rate_name: str, *, backend: str = "db", now=None) -> Hit:
    """Count one event for `key` under the rate `rate_name` in the current fixed window."""
    current = rate(rate_name)
    epoch = _epoch(now)
    start, end = _window(current.seconds, epoch)
    stored = _stored_key(rate_name, key)
    count = None
    if backend == "cache":
        try:
            count = _hit_cache(f"rl:{stored}:{int(start)}", current.seconds)
        except Exception:  # cache unreachable: the database keeps the limit
            logger.warning("rate limit cache unavailable, counting in the database")
    if count is None:
        count = _increment(stored, now=_at(epoch), stale_before=_at(start), expires_at=_at(end))
    return Hit(count=count, limit=current.limit, retry_after=max(1, math.ceil(end - epoch)))


def peek(key: str, rate_name: str, *, now=None) -> Hit:
    """`hit` without counting: the database count of the current window."""
    current = rate(rate_name)
    epoch = _epoch(now)
    start, end = _window(current.seconds, epoch)
    row = (
        RateLimitCounter.objects.filter(
            key=_stored_key(rate_name, key), last_hit_at__gte=_at(start)
        )
        .values_list("count", flat=True)
        .first()
    )
    return Hit(count=row or 0, limit=current.limit, retry_after=max(1, math.ceil(end - epoch)))


def first_use(key: str, *, remember_seconds: int, now=None) -> bool:
    """True the first time `key` is seen within `remember_seconds` (single-use values such
    as JWT ids); counted in the database so it holds across nodes and without Redis."""
    epoch = _epoch(now)
    count = _increment(
        f"once:{key}"[:255],
        now=_at(epoch),
        stale_before=_at(epoch - remember_seconds),
        expires_at=_at(epoch + remember_seconds),
    )
    return count == 1


def purge(now=None) -> int:
    """Delete the counters that no longer limit anything (run by a periodic job)."""
    moment = timezone.now() if now is None else (now if isinstance(now, datetime) else _at(now))
    deleted, _ = (
        RateLimitCounter.objects.filter(expires_at__lt=moment)
        .exclude(locked_until__gt=moment)
        .delete()
    )
    return deleted


# --- Failure counters: progressive delay, then a lock -------------------------------------


@dataclass(frozen=True)
class Lockout:
    """A failure policy: lock at `rate(rate_name).limit` failures, forgotten its period after
    the last one; from `delay_after` failures on, each attempt waits a doubling delay."""

    rate_name: str
    delay_after: int
    delay_seconds: int = 0
    delay_max_seconds: int = 0
    lock_seconds: int = 15 * 60


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
        return wait_message(self.retry_after)


def _delay(failures: int, policy: Lockout) -> timedelta:
    if policy.delay_seconds <= 0 or failures < policy.delay_after:
        return timedelta(0)
    seconds = min(
        policy.delay_seconds * 2 ** (failures - policy.delay_after), policy.delay_max_seconds
    )
    return timedelta(seconds=seconds)


def _refusal(row: RateLimitCounter, policy: Lockout, now: datetime) -> Refusal | None:
    if row.locked_until and row.locked_until > now:
        return Refusal(math.ceil((row.locked_until - now).total_seconds()), locked=True)
    memory = timedelta(seconds=rate(policy.rate_name).seconds)
    if row.last_hit_at is None or row.last_hit_at < now - memory:
        return None
    wait_until = row.last_hit_at + _delay(row.count, policy)
    if wait_until > now:
        return Refusal(max(1, math.ceil((wait_until - now).total_seconds())), locked=False)
    return None


def check(key: str, policy: Lockout, now=None) -> Refusal | None:
    """Whether an attempt under `key` must wait (delay or lock), before checking a secret."""
    return check_keys([(key, policy)], now)[0]


def check_keys(checks: list[tuple[str, Lockout]], now=None) -> tuple[Refusal | None, set[str]]:
    """`check` for several keys with one query: the first refusal in the order given, and the
    keys that have a row (a key without one has nothing to clear)."""
    now = now or timezone.now()
    stored = {_stored_key(policy.rate_name, key): key for key, policy in checks}
    rows = {stored[row.key]: row for row in RateLimitCounter.objects.filter(key__in=list(stored))}
    for key, policy in checks:
        if key in rows:
            refusal = _refusal(rows[key], policy, now)
            if refusal is not None:
                return refusal, set(rows)
    return None, set(rows)


def record_failure(key: str, policy: Lockout, now=None) -> bool:
    """Count one failure; returns True when this very failure locked the key."""
    now = now or timezone.now()
    current = rate(policy.rate_name)
    memory = timedelta(seconds=current.seconds)
    stored = _stored_key(policy.rate_name, key)
    with transaction.atomic():  # the row stays locked from the increment to the lock
        failures = _increment(stored, now=now, stale_before=now - memory, expires_at=now + memory)
        if failures < current.limit:
            return False
        # Only the failure that reached the limit takes the lock (and sends the mail); the
        # count restarts from 0 without losing a concurrent failure.
        until = now + timedelta(seconds=policy.lock_seconds)
        RateLimitCounter.objects.filter(key=stored).update(
            locked_until=until, count=0, expires_at=until
        )
        return True


def clear(key: str, policy: Lockout) -> None:
    RateLimitCounter.objects.filter(key=_stored_key(policy.rate_name, key)).delete()


# --- Per client address, for views -------------------------------------------------------


def address_key(request) -> str:
    return f"ip:{client_ip(request) or 'unknown'}"


def wait_message(retry_after: int) -> str:
    """The French sentence telling how long to wait (shared by every limit)."""
    if retry_after < 60:
        return ngettext(
            "Trop de tentatives. Réessayez dans %(seconds)d seconde.",
            "Trop de tentatives. Réessayez dans %(seconds)d secondes.",
            retry_after,
        ) % {"seconds": retry_after}
    return _("Trop de tentatives. Réessayez dans %(minutes)d minutes.") % {
        "minutes": math.ceil(retry_after / 60)
    }


def too_many_requests(request, retry_after: int):
    response = render(
        request,
        "core/error.html",
        {"title": _("Trop de tentatives"), "message": wait_message(retry_after)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _refuse(request, rate_name: str, result: Hit):
    if result.allowed:
        return None
    if result.just_exceeded:  # audited once per window, not at every refused request
        from kiosque.audit.services import AuditAction, AuditOutcome, record

        current = rate(rate_name)
        record(
            AuditAction.RATE_LIMITED,
            request=request,
            outcome=AuditOutcome.DENIED,
            context={"scope": rate_name, "limit": current.limit, "window": current.seconds},
        )
    return too_many_requests(request, result.retry_after)


def count(request, rate_name: str, *, backend: str = "db"):
    """Count one event of the client address under `rate_name`; the 429 response when the
    rate is exceeded (the first refusal is audited), else None."""
    return _refuse(request, rate_name, hit(address_key(request), rate_name, backend=backend))


def exhausted(request, *rate_names: str):
    """The 429 response when one of `rate_names` is used up for the client address, else
    None; counts nothing while under the rates (the caller counts what it decides)."""
    key = address_key(request)
    for rate_name in rate_names:
        current = peek(key, rate_name)
        if current.count >= current.limit:
            return count(request, rate_name)  # counts the refused attempt: audited once
    return None


def limit(rate_name: str, *, backend: str = "db", methods=("POST",)):
    """View decorator: every `methods` request counts under `rate_name` per client address."""
    if rate_name not in RATES:  # a typo fails at import, not at the first request
        raise ImproperlyConfigured(f"Unknown rate {rate_name!r}; the rates are listed in RATES.")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                refused = count(request, rate_name, backend=backend)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
