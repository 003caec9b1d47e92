"""Liveness and readiness checks for load balancers and operators."""

import json

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse


def json_response(payload: dict, status: int) -> HttpResponse:
    return HttpResponse(json.dumps(payload), status=status, content_type="application/json")


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return {"status": "fail", "error": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def check_cache() -> dict:
    if not settings.REDIS_URL:
        return {"status": "ok", "backend": "local"}
    try:
        cache.set("kiosque:readyz", "1", 5)
        ok = cache.get("kiosque:readyz") == "1"
    except Exception as exc:  # Redis down: degraded, not failed (limits live in the DB)
        return {"status": "degraded", "backend": "redis", "error": exc.__class__.__name__}
    return {"status": "ok" if ok else "degraded", "backend": "redis"}


def readiness() -> dict:
    checks = {"database": check_database(), "cache": check_cache()}
    statuses = {check["status"] for check in checks.values()}
    if checks["database"]["status"] == "fail":
        overall = "fail"
    elif "degraded" in statuses:
        overall = "degraded"
    else:
        overall = "ok"
    return {"status": overall, "checks": checks}
