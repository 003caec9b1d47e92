"""A password chosen by the user: when signed in (current password required) or at the
forced-change stage of the sign-in. The other sessions of the user end; a confirmation
e-mail goes through the outbox in the same transaction."""

from django.contrib.auth import update_session_auth_hash
from django.db import transaction

from kiosque.accounts.flows import credentials, sessions, stages
from kiosque.audit.services import AuditAction, record
from kiosque.mail.services import enqueue

CONFIRMATION = "accounts/email/password_changed"


def _save(request, user, password: str, context: dict) -> None:
    with transaction.atomic():
        credentials.set_password(user, password)
        if user.email:
            enqueue(CONFIRMATION, to=[user.email], context={"user": user})
        record(
            AuditAction.PASSWORD_CHANGED, request=request, actor=user, target=user, context=context
        )


def change_signed_in(request, password: str) -> int:
    """Returns how many other sessions were ended."""
    user = request.user
    _save(request, user, password, {"by": "user"})
    update_session_auth_hash(request, user)  # keeps this session, under a new key
    sessions.touch(request)
    return sessions.end_others(request, user)


def change_at_stage(request, state: stages.LoginState, password: str):
    """The forced change is done: end any other session, then open the next stage."""
    user = state.user
    _save(request, user, password, {"by": "user", "forced": True})
    sessions.end_all(user)
    return stages.complete(request, stages.Stage.PASSWORD_CHANGE)
