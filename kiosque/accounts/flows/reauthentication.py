"""A fresh sign-in asked of a browser that is already signed in (OpenID Connect Core
§3.1.2.3: `prompt=login`, or `max_age` elapsed).

The requester (the authorization endpoint) marks the session with the time of its request;
while the mark is there the sign-in page shows its form instead of sending the signed-in
browser back (which would loop). The sign-in goes through every stage (password, second
factor) and, once Django's `user_logged_in` fires (signed_in.on_signed_in), the mark is
cleared: whoever asked sees a sign-in newer than its request.
"""

import time

SESSION_KEY = "_kiosque_reauth_after"


def require(request) -> None:
    """The next use of this session needs a sign-in newer than now."""
    request.session[SESSION_KEY] = {"at": time.time(), "user_id": request.user.pk}


def required_after(request) -> float | None:
    """When the pending request for a fresh sign-in was made, or None (none pending, or
    the session's user is no longer the one it was asked of)."""
    mark = request.session.get(SESSION_KEY)
    if not isinstance(mark, dict) or not request.user.is_authenticated:
        return None
    if mark.get("user_id") != request.user.pk:
        return None
    return float(mark.get("at", 0))


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)
