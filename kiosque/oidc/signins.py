"""The Kiosque sign-in behind a browser session, as the applications see it (sid, acr, amr).

A SignIn row is created the first time the session authorizes an application; its id goes
in the session so a later key cycle (password change) keeps it. Signing in again starts a
new one; signing out ends it (and the applications are told, see backchannel.py).
"""

import time
from datetime import UTC, datetime

from kiosque.accounts.flows import reauthentication
from kiosque.oidc.claims import authentication_context
from kiosque.oidc.models import SignIn, Subject

SID_SESSION_KEY = "_oidc_sid"
AUTH_TIME_SESSION_KEY = "_oidc_auth_time"
PSC_AMR_SESSION_KEY = "_oidc_psc_amr"
AMR_SESSION_KEY = "_kiosque_amr"  # written by kiosque.accounts.flows.signed_in


def on_login(request) -> None:
    """A new sign-in: forget the previous one and note when it happened."""
    request.session.pop(SID_SESSION_KEY, None)
    request.session[AUTH_TIME_SESSION_KEY] = time.time()


def auth_time(request) -> float:
    value = request.session.get(AUTH_TIME_SESSION_KEY)
    if value is None:
        last_login = getattr(request.user, "last_login", None)
        return last_login.timestamp() if last_login else time.time()
    return float(value)


def current(request) -> SignIn:
    sid = request.session.get(SID_SESSION_KEY)
    if sid:
        sign_in = SignIn.objects.filter(sid=sid, user=request.user, ended_at__isnull=True).first()
        if sign_in is not None:
            _follow_step_up(request, sign_in)
            return sign_in
    acr, amr = authentication_context(request)
    # The subject (`sub`) exists before any code is issued: the code exchange reads it with
    # the user instead of creating it.
    Subject.objects.get_or_create(user=request.user)
    sign_in = SignIn.objects.create(
        user=request.user,
        amr=amr,
        acr=acr,
        auth_time=datetime.fromtimestamp(auth_time(request), tz=UTC),
    )
    request.session[SID_SESSION_KEY] = str(sign_in.sid)
    return sign_in


def _follow_step_up(request, sign_in: SignIn) -> None:
    """A step-up (kiosque.mfa.flows.step_up) raised the session's level: the sign-in's
    next tokens say so (those already issued keep what they said)."""
    acr, amr = authentication_context(request)
    if (acr, amr) != (sign_in.acr, list(sign_in.amr or ())):
        sign_in.acr, sign_in.amr = acr, amr
        sign_in.save(update_fields=["acr", "amr"])


def require_reauthentication(request) -> None:
    """prompt=login or max_age: the next authorization needs a sign-in newer than now; the
    sign-in page shows its form to the signed-in browser until then."""
    reauthentication.require(request)


def needs_reauthentication(request, max_age: int | None) -> bool:
    signed_in_at = auth_time(request)
    required_after = reauthentication.required_after(request)
    if required_after is not None:
        if signed_in_at <= required_after:
            return True
        reauthentication.clear(request)
    return max_age is not None and time.time() - signed_in_at > max_age


def from_session_sid(request) -> SignIn | None:
    sid = request.session.get(SID_SESSION_KEY) if request is not None else None
    if not sid:
        return None
    return SignIn.objects.filter(sid=sid, ended_at__isnull=True).first()
