"""Checking a TOTP code at sign-in: each code is accepted once, across every process."""

import enum
import time

from django.utils import timezone

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import crypto, ratelimit
from kiosque.mfa import totp
from kiosque.mfa.flows import history
from kiosque.mfa.flows.methods import TOTP
from kiosque.mfa.models import TOTPDevice


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong_code"
    REPLAYED = "replayed"
    TOO_MANY = "too_many_attempts"


def claim_step(device_pk: int, step: int, *, now=None) -> bool:
    """Record `step` as used; True for exactly one caller, however many race for it.

    The conditional UPDATE is atomic in the database, so two processes checking the
    same code at once cannot both see it unused.
    """
    return bool(
        TOTPDevice.objects.filter(pk=device_pk, last_used_step__lt=step).update(
            last_used_step=step, last_used_at=now or timezone.now()
        )
    )


def check(user, code: str, *, for_time: float | None = None) -> tuple[Outcome, int]:
    """The outcome and, when too many attempts, the seconds to wait."""
    for_time = time.time() if for_time is None else for_time
    attempt = ratelimit.hit(f"user:{user.pk}", "mfa.totp", now=for_time)
    if not attempt.allowed:
        return Outcome.TOO_MANY, attempt.retry_after
    # The devices prefetched by the caller when it did (the claim below is the atomic guard).
    for device in user.totp_devices.all():
        step = totp.matching_step(crypto.decrypt(device.encrypted_secret), code, for_time=for_time)
        if step is None:
            continue
        if claim_step(device.pk, step):
            return Outcome.ACCEPTED, 0
        return Outcome.REPLAYED, 0
    return Outcome.WRONG, 0


def verify(user, code: str, *, request=None, for_time: float | None = None):
    outcome, retry_after = check(user, code, for_time=for_time)
    if outcome is Outcome.ACCEPTED:
        record(
            AuditAction.MFA_VERIFIED,
            request=request,
            actor=user,
            target=user,
            context={"method": TOTP},
        )
    else:
        record(
            AuditAction.MFA_FAILED,
            request=request,
            actor=user,
            target=user,
            outcome=AuditOutcome.FAILURE,
            context={"method": TOTP, "reason": str(outcome)},
        )
        if outcome is not Outcome.TOO_MANY:
            history.record_failed_code(request, user, TOTP)
    return outcome, retry_after
