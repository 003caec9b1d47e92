"""Signed-in sessions: the UserSession ledger, idle and absolute timeouts, ending sessions.

Timestamps are read from `django.utils.timezone.now()` so tests can move the clock.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout as django_logout
from django.utils import timezone

from kiosque.accounts import app_settings
from kiosque.accounts.models import UserSession
from kiosque.audit.services import AuditAction, record
from kiosque.core.proxy import client_ip

AUTH_AT = "_kiosque_auth_at"
SEEN_AT = "_kiosque_seen_at"
USER_SESSION_ID = "_kiosque_user_session"
USER_SESSION_KEY = "_kiosque_user_session_key"
# Activity is written at most once a minute, not at every request.
TOUCH_EVERY_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def _now() -> float:
    return timezone.now().timestamp()


def _session_key(request) -> str:
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


def start(request, user) -> UserSession:
    now = timezone.now()
    fields = {
        "session_key": _session_key(request),
        "created_at": now,
        "last_activity_at": now,
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    # Signed in again in a session already signed in (an application asked for a fresh
    # sign-in, accounts.flows.reauthentication): the session keeps its one row.
    row_id = request.session.get(USER_SESSION_ID)
    row = UserSession.objects.filter(pk=row_id, user=user).first() if row_id else None
    if row is None:
        row = UserSession.objects.create(user=user, **fields)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save(update_fields=list(fields))
    request.session[AUTH_AT] = now.timestamp()
    request.session[SEEN_AT] = now.timestamp()
    request.session[USER_SESSION_ID] = row.pk
    request.session[USER_SESSION_KEY] = row.session_key
    return row


def expired(request) -> str | None:
    """IDLE or ABSOLUTE when the signed-in session has timed out, else None."""
    now = _now()
    auth_at = request.session.get(AUTH_AT)
    seen_at = request.session.get(SEEN_AT)
    if auth_at is None or seen_at is None:
        # Signed in by other means (tests' force_login, a future SSO): the clock starts now.
        request.session[AUTH_AT] = request.session.get(AUTH_AT) or now
        request.session[SEEN_AT] = now
        return None
    if now - auth_at > app_settings.SESSION_ABSOLUTE_SECONDS:
        return ABSOLUTE
    if now - seen_at > app_settings.SESSION_IDLE_SECONDS:
        return IDLE
    return None


def touch(request) -> None:
    """Note activity; follow the session key when it was cycled (password change...)."""
    now = _now()
    row_id = request.session.get(USER_SESSION_ID)
    key_changed = row_id and request.session.get(USER_SESSION_KEY) != request.session.session_key
    if key_changed and request.session.session_key:
        UserSession.objects.filter(pk=row_id).update(session_key=request.session.session_key)
        request.session[USER_SESSION_KEY] = request.session.session_key
    if now - request.session.get(SEEN_AT, 0) < TOUCH_EVERY_SECONDS:
        return
    request.session[SEEN_AT] = now
    if row_id:
        UserSession.objects.filter(pk=row_id).update(last_activity_at=timezone.now())


def current_row_id(request) -> int | None:
    return request.session.get(USER_SESSION_ID)


def logout(request, *, reason: str = "") -> None:
    """End this session server-side (the Session row goes with its key)."""
    user = request.user if request.user.is_authenticated else None
    row_id = request.session.get(USER_SESSION_ID)
    if user is not None:
        record(
            AuditAction.LOGOUT,
            request=request,
            actor=user,
            context={"reason": reason} if reason else {},
        )
    if row_id:
        UserSession.objects.filter(pk=row_id).delete()
    django_logout(request)


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end(row: UserSession) -> None:
    _store()(session_key=row.session_key).delete(row.session_key)
    row.delete()


def end_others(request, user) -> int:
    """End every session of `user` but this one; returns how many were ended."""
    rows = list(UserSession.objects.filter(user=user).exclude(pk=current_row_id(request)))
    for row in rows:
        end(row)
    return len(rows)


def end_all(user) -> int:
    rows = list(UserSession.objects.filter(user=user))
    for row in rows:
        end(row)
    return len(rows)


def purge_stale(now=None) -> int:
    """Drop ledger rows whose session can no longer be valid (past the absolute timeout)."""
    from datetime import timedelta

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=app_settings.SESSION_ABSOLUTE_SECONDS)
    rows = list(UserSession.objects.filter(created_at__lt=cutoff))
    for row in rows:
        end(row)
    return len(rows)
