"""Fixed-window rate limits, counted atomically in the database or in the cache.

`backend="db"` is for security limits (brute force, submissions): one atomic
INSERT ... ON CONFLICT DO UPDATE ... RETURNING, valid on SQLite and PostgreSQL, so
concurrent processes never lose a hit. `backend="cache"` is for cheap, high-frequency
limits (autocomplete); if the cache is unreachable it falls back to the database.
"""

import functools
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import connection
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kiosque.core.models import RateLimitCounter

logger = logging.getLogger(__name__)

UPSERT_SQL = (
    "INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count"
)


@dataclass(frozen=True)
class Hit:
    count: int
    limit: int
    retry_after: int

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def just_exceeded(self) -> bool:
        return self.count == self.limit + 1


def _window(window: int, now: float) -> tuple[int, int]:
    start = int(now // window * window)
    return start, start + window


def _hit_db(bucket: str, expires_at: int) -> int:
    sql = UPSERT_SQL.format(table=connection.ops.quote_name(RateLimitCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [bucket, datetime.fromtimestamp(expires_at, tz=UTC)])
        return cursor.fetchone()[0]


def _hit_cache(bucket: str, window: int) -> int:
    cache.add(bucket, 0, timeout=window + 1)
    return cache.incr(bucket)


def hit(key: str, *, limit: int, window: int, backend: str = "db", now=None) -> Hit:
    """Count one event for `key` in the current window and say whether it is allowed."""
    now = time.time() if now is None else now
    start, end = _window(window, now)
    bucket = f"rl:{key}:{start}"[:255]
    count = None
    if backend == "cache":
        try:
            count = _hit_cache(bucket, window)
        except Exception:  # cache unreachable: the database keeps the limit
            logger.warning("rate limit cache unavailable, counting in the database")
    if count is None:
        count = _hit_db(bucket, end)
    return Hit(count=count, limit=limit, retry_after=max(1, math.ceil(end - now)))


def first_use(key: str, *, remember_seconds: int, now=None) -> bool:
    """True the first time `key` is seen within `remember_seconds` (single-use values such
    as JWT ids); counted in the database so it holds across nodes and without Redis."""
    now = time.time() if now is None else now
    return _hit_db(f"once:{key}"[:255], int(now) + remember_seconds) == 1


def peek(key: str, *, window: int, now=None) -> int:
    """Current count of a database-backed key (without counting a hit)."""
    now = time.time() if now is None else now
    start, _end = _window(window, now)
    row = RateLimitCounter.objects.filter(key=f"rl:{key}:{start}"[:255]).first()
    return row.count if row else 0


def purge_expired(now=None) -> int:
    moment = datetime.fromtimestamp(time.time() if now is None else now, tz=UTC)
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lt=moment).delete()
    return deleted


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


def limit(scope: str, *, limit: int, window: int, backend: str = "db", methods=("POST",)):
    """View decorator: at most `limit` requests per client IP per `window` seconds."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                from kiosque.audit.services import AuditAction, AuditOutcome, client_ip, record

                ip = client_ip(request) or "unknown"
                result = hit(f"{scope}:ip:{ip}", limit=limit, window=window, backend=backend)
                if not result.allowed:
                    if result.just_exceeded:
                        record(
                            AuditAction.RATE_LIMITED,
                            request=request,
                            outcome=AuditOutcome.DENIED,
                            context={"scope": scope, "limit": limit, "window": window},
                        )
                    return too_many_requests(request, result.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


__all__ = ["Hit", "first_use", "hit", "limit", "peek", "purge_expired", "too_many_requests"]
