"""Request id, access log line and latency observation for every request."""

import logging
import time

from kiosque.core.observability import context, metrics

access_log = logging.getLogger("kiosque.request")

# Probes polled every few seconds: logged at DEBUG so they do not drown the access log.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    """First in MIDDLEWARE: every later log record of the request carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = context.accept_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        id_token = context.request_id.set(request_id)
        path_token = context.request_path.set(request.path)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            response["X-Request-ID"] = request_id
            metrics.observe_request(request.method, response.status_code, elapsed)
            access_log.log(
                logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "method": request.method,
                },
            )
            return response
        finally:
            context.request_id.reset(id_token)
            context.request_path.reset(path_token)
