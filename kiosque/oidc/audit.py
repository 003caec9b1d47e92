"""Audit events of the token endpoint, written with the HTTP request they belong to.

The grants see Authlib's request, not Django's: what they note during a token request
(token issued, code or refresh token replayed) is kept here and written once the view has
its answer, with the client's address and user agent. Outside a token request (or if nobody
collects), an event is written at once. One insert per event.
"""

import contextlib
import contextvars

from kiosque.audit.services import AuditAction, AuditOutcome, record

_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "kiosque_oidc_audit", default=None
)

__all__ = ["AuditAction", "AuditOutcome", "collected", "note"]


def note(action, **fields) -> None:
    """Record `action` (fields as for audit.record) at the end of the current token request."""
    pending = _pending.get()
    if pending is None:
        record(action, **fields)
    else:
        pending.append((action, fields))


@contextlib.contextmanager
def collected(request):
    """Collect the events noted inside the block and write them with `request`."""
    events: list = []
    token = _pending.set(events)
    try:
        yield events
    finally:
        _pending.reset(token)
        for action, fields in events:
            record(action, request=request, **fields)
