"""Log records as JSON lines, each carrying the request id and path of its request.

LOGGING["formatters"]["json"] = {"()": "kiosque.core.observability.logs.JsonFormatter"}
"""

import json
import logging
from datetime import UTC, datetime

from kiosque.core.observability import context

# Attributes a record may carry (set with `extra=`) that go into the JSON object.
EXTRA_FIELDS = ("status", "duration_ms", "method")


NO_REQUEST = "-"  # shown by the plain format outside a request; null in JSON


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `path` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = context.request_id.get() or NO_REQUEST
        if getattr(record, "path", None) is None:
            record.path = context.request_path.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request_id, path,
    status, duration_ms (and the exception's traceback, when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(record),
            "path": getattr(record, "path", None) or context.request_path.get(),
            "status": getattr(record, "status", None),
            "duration_ms": getattr(record, "duration_ms", None),
        }
        if getattr(record, "method", None):
            entry["method"] = record.method
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _request_id(record: logging.LogRecord) -> str | None:
    value = getattr(record, "request_id", None) or context.request_id.get()
    return None if value == NO_REQUEST else value
