"""Discovery and JWKS answered from memory, in front of Django's WSGI handler.

Relying parties fetch these two documents far more often than anything else, and Django's
middleware stack costs more than the documents themselves. This WSGI layer lets Django answer
a request once, keeps the status, headers and body it sent, and replays them for the next
identical request: the security headers (CSP, HSTS, X-Frame-Options...) and CORS come from a
real Django response, so they cannot drift from the rest of the site.

Only GET and HEAD of the exact paths, without query string or cookie, are replayed; the
recorded answer is keyed by everything those two views' responses depend on (method, path,
host, scheme and proxy headers, Accept-Language for Content-Language). Anything else goes to
Django. The JWKS recording is dropped when the key directory changes (checked at most once
per second, so a rotation shows within a second). Each replay gets its own X-Request-ID, an
access log line and a latency observation, like a Django-served request.
"""

import logging
import threading
import time

from kiosque.core.observability import context, metrics
from kiosque.core.observability.middleware import access_log

REPLAYED_METHODS = frozenset({"GET", "HEAD"})
# The request fields a discovery or JWKS response depends on (see the module docstring).
KEY_FIELDS = (
    "SCRIPT_NAME",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_FORWARDED",
    "HTTP_ACCEPT_LANGUAGE",
)
MAX_ENTRIES = 64
KEYS_RECHECK_SECONDS = 1.0


class _Capture:
    def __init__(self):
        self.status = None
        self.headers = None

    def __call__(self, status, headers, exc_info=None):
        self.status, self.headers = status, list(headers)
        return lambda data: None  # Django never uses write()


class StaticEndpoints:
    def __init__(self, app, keys_recheck_seconds: float = KEYS_RECHECK_SECONDS):
        self.app = app
        self.keys_recheck_seconds = keys_recheck_seconds
        self._paths: dict[str, str] | None = None  # path -> "discovery" | "jwks"
        self._entries: dict[tuple, tuple] = {}
        self._lock = threading.Lock()
        self._keys_checked_at = float("-inf")
        self._keys_state = None
        self._extra_key_fields: tuple = ()

    def _setup(self) -> dict[str, str]:
        from django.conf import settings
        from django.urls import reverse

        discovery = reverse("oidc:discovery")
        paths = {
            discovery.rstrip("/"): "discovery",
            discovery.rstrip("/") + "/": "discovery",
            reverse("oidc:jwks"): "jwks",
        }
        proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        if proxy_header and proxy_header[0] not in KEY_FIELDS:
            self._extra_key_fields = (proxy_header[0],)
        self._paths = paths
        return paths

    def _keys_state_now(self):
        """The key directory's state, re-read at most once per keys_recheck_seconds."""
        now = time.monotonic()
        if now - self._keys_checked_at >= self.keys_recheck_seconds:
            from kiosque.oidc import keys

            self._keys_state = keys._signature(keys.keys_dir())
            self._keys_checked_at = now
        return self._keys_state

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if (
            method not in REPLAYED_METHODS
            or environ.get("QUERY_STRING")
            or environ.get("HTTP_COOKIE")
        ):
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        paths = self._paths if self._paths is not None else self._setup()
        endpoint = paths.get(path)
        if endpoint is None:
            return self.app(environ, start_response)
        started = time.perf_counter()
        state = self._keys_state_now() if endpoint == "jwks" else None
        key = (method, path, *(environ.get(f) for f in KEY_FIELDS + self._extra_key_fields))
        entry = self._entries.get(key)
        if entry is None or entry[0] != state:
            return self._record(key, state, environ, start_response)
        _state, status, headers, request_id_at, body = entry
        request_id = context.accept_request_id(environ.get("HTTP_X_REQUEST_ID"))
        headers = list(headers)
        if request_id_at is not None:
            headers[request_id_at] = ("X-Request-ID", request_id)
        start_response(status, headers)
        self._observe(method, path, int(status[:3]), request_id, started)
        return [body]

    def _record(self, key, state, environ, start_response):
        capture = _Capture()
        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = capture.status, capture.headers
        names = [name.lower() for name, _ in headers]
        if status.startswith("200 ") and "set-cookie" not in names:
            request_id_at = names.index("x-request-id") if "x-request-id" in names else None
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[key] = (state, status, tuple(headers), request_id_at, body)
        start_response(status, headers)
        return [body]

    @staticmethod
    def _observe(method, path, status, request_id, started):
        elapsed = time.perf_counter() - started
        metrics.observe_request(method, status, elapsed)
        if not access_log.isEnabledFor(logging.INFO):
            return
        id_token = context.request_id.set(request_id)
        path_token = context.request_path.set(path)
        try:
            access_log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={"status": status, "duration_ms": round(elapsed * 1000, 1), "method": method},
            )
        finally:
            context.request_id.reset(id_token)
            context.request_path.reset(path_token)
