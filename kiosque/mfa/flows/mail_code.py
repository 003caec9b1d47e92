"""The code sent by mail at sign-in: send it, check it."""

from django.db import transaction

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.mail.services import enqueue
from kiosque.mfa.flows import history
from kiosque.mfa.flows.methods import MAIL_CODE
from kiosque.mfa.verification import MailedCodeProcess, Outcome, Verification

LOGIN_CODES = MailedCodeProcess(purpose="login")


def send(user, *, attempt: str, request=None, now=None) -> None:
    """Mail a new code for the sign-in `attempt` (stages.LoginState.attempt_id).
    Raises verification.ResendRefused when asked too often."""
    with transaction.atomic():
        code = LOGIN_CODES.issue(user, attempt=attempt, now=now)
        enqueue(
            "mfa/email/code",
            to=[user.email],
            context={"user": user, "code": code, "seconds": LOGIN_CODES.lifetime_seconds},
            purge_after_delivery=True,
        )
        record(AuditAction.MFA_CODE_SENT, request=request, actor=user, target=user)


def verify(user, code: str, *, attempt: str, request=None, now=None) -> Verification:
    """Only a code mailed for this very sign-in `attempt` completes it."""
    result = LOGIN_CODES.verify(user, code, attempt=attempt, now=now)
    if result.outcome is Outcome.ACCEPTED:
        record(
            AuditAction.MFA_VERIFIED,
            request=request,
            actor=user,
            target=user,
            context={"method": MAIL_CODE},
        )
    else:
        record(
            AuditAction.MFA_FAILED,
            request=request,
            actor=user,
            target=user,
            outcome=AuditOutcome.FAILURE,
            context={"method": MAIL_CODE, "reason": str(result.outcome)},
        )
        if result.outcome in (Outcome.WRONG, Outcome.EXHAUSTED):
            history.record_failed_code(request, user, MAIL_CODE)
    return result
