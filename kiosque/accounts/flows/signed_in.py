"""What happens once every stage is passed (session bookkeeping, history, audit): run by
Django's `user_logged_in` signal, so every entry that signs someone in is covered."""

from kiosque.accounts.flows import history, reauthentication, sessions
from kiosque.accounts.models import AttemptOutcome
from kiosque.audit.services import AuditAction, record

AMR_SESSION_KEY = "_kiosque_amr"
METHODS_ATTRIBUTE = "kiosque_signin_methods"


def set_methods(request, methods: list[str]) -> None:
    """The methods the stages passed, for `on_signed_in` (Django's login() may flush the
    session, so they travel on the request)."""
    setattr(request, METHODS_ATTRIBUTE, list(methods))


def methods_of(request) -> list[str]:
    return getattr(request, METHODS_ATTRIBUTE, [])


def on_signed_in(request, user, *, methods: list[str]) -> None:
    request.session[AMR_SESSION_KEY] = methods
    reauthentication.clear(request)  # a requested fresh sign-in is this one
    sessions.start(request, user)
    history.record_attempt(
        request, user, AttemptOutcome.SUCCESS, second_factor=history.second_factor_of(methods)
    )
    record(AuditAction.LOGIN_SUCCEEDED, request=request, actor=user, context={"methods": methods})
