"""What happens once every stage is passed (session bookkeeping, history, audit)."""

from kiosque.accounts.flows import history, sessions
from kiosque.accounts.models import AttemptOutcome
from kiosque.audit.services import AuditAction, record

AMR_SESSION_KEY = "_kiosque_amr"


def on_signed_in(request, user, *, methods: list[str]) -> None:
    request.session[AMR_SESSION_KEY] = methods
    sessions.start(request, user)
    history.record_attempt(
        request, user, AttemptOutcome.SUCCESS, second_factor=history.second_factor_of(methods)
    )
    record(AuditAction.LOGIN_SUCCEEDED, request=request, actor=user, context={"methods": methods})
