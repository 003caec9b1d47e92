"""Passwordless sign-in with a passkey: the same account rule and session setup as the
password sign-in, the second-factor stage skipped (a verified passkey is two factors).

This is the one place where the passkey joins the accounts sign-in: the account rule of the
authentication backend (through `login.sign_in_refusal`) and the declared login stages.
"""

from dataclasses import dataclass

from kiosque.accounts.flows import history, login, stages
from kiosque.accounts.models import AttemptOutcome
from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.mfa.flows.methods import PASSKEY


@dataclass(frozen=True)
class SignInResult:
    response: object = None  # the redirect: signed in, or the next stage (password change)
    error: str = ""


def sign_in(request, user, *, next_url: str = "") -> SignInResult:
    """`user` owns the passkey just verified: apply the account rule, then sign in."""
    message = login.sign_in_refusal(user)
    if message:
        outcome = AttemptOutcome.LOCKED if user.lock_in_force() else AttemptOutcome.REFUSED
        history.record_attempt(request, user, outcome, second_factor=PASSKEY)
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            actor=user,
            outcome=AuditOutcome.DENIED,
            context={"reason": "refused_state", "method": PASSKEY},
        )
        return SignInResult(error=message)
    pending = [s for s in stages.pending_for(user) if s != stages.Stage.SECOND_FACTOR]
    return SignInResult(
        response=stages.begin(request, user, pending, method=PASSKEY, next_url=next_url)
    )
