"""The current request's id and path, visible to every log record of that request."""

import re
import secrets
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("kiosque_request_id", default=None)
request_path: ContextVar[str | None] = ContextVar("kiosque_request_path", default=None)

# What a proxy may hand us: letters, digits and a few separators, bounded. Anything else
# (spaces, quotes, newlines that would forge log lines) is replaced by our own id.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@+=-]{8,128}$")


def new_request_id() -> str:
    return secrets.token_hex(16)


def accept_request_id(candidate: str | None) -> str:
    """The proxy's id when it is a safe token, else a fresh one."""
    if candidate and SAFE_REQUEST_ID.fullmatch(candidate):
        return candidate
    return new_request_id()
