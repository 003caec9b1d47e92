"""Passkeys as the user sees them: enrol one, delete one, use one at sign-in.

The WebAuthn checks are in kiosque.mfa.passkeys; this module adds the audit trail, the
mailed notices, the rate limits and the way into the staged sign-in.
"""

from django.db import IntegrityError, transaction

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import ratelimit
from kiosque.core.proxy import client_ip
from kiosque.mfa import levels, passkeys
from kiosque.mfa.flows import history, notify
from kiosque.mfa.flows.methods import PASSKEY
from kiosque.mfa.models import Passkey
from kiosque.mfa.passkeys import Failure, PasskeyError, Purpose


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


TOO_MANY = "too_many_attempts"


def _failed(request, user, failure: str, *, purpose: Purpose):
    record(
        AuditAction.MFA_FAILED,
        request=request,
        actor=user,
        target=user,
        outcome=AuditOutcome.FAILURE,
        context={"method": PASSKEY, "purpose": str(purpose), "reason": str(failure)},
    )


# --- enrolment ---------------------------------------------------------------------------


def enrol(request, user, credential: str, *, name: str) -> Passkey:
    """Verify the new credential and save it; raises PasskeyError (audited)."""
    try:
        with transaction.atomic():
            passkey = passkeys.verify_registration(request, user, credential, name=name)
            record(
                AuditAction.MFA_DEVICE_ADDED,
                request=request,
                actor=user,
                target=user,
                context={"type": PASSKEY, "name": name, "aaguid": passkey.aaguid},
            )
            notify.second_factor_changed(
                user, "device_added", device_name=name, device_type=PASSKEY
            )
    except IntegrityError as error:  # the same credential saved by a concurrent request
        _failed(request, user, Failure.ALREADY_REGISTERED, purpose=Purpose.ENROL)
        raise PasskeyError(Failure.ALREADY_REGISTERED) from error
    except PasskeyError as error:
        _failed(request, user, error.failure, purpose=Purpose.ENROL)
        raise
    return passkey


def remove(request, user, passkey: Passkey) -> None:
    """The password was confirmed by the caller."""
    with transaction.atomic():
        name, pk = passkey.name, passkey.pk
        passkey.delete()
        record(
            AuditAction.MFA_DEVICE_REMOVED,
            request=request,
            actor=user,
            target=user,
            context={"type": PASSKEY, "name": name, "device_id": pk},
        )
        notify.second_factor_changed(user, "device_removed", device_name=name, device_type=PASSKEY)


# --- sign-in -----------------------------------------------------------------------------


def _check_rate(key: str, rate_name: str) -> None:
    attempt = ratelimit.hit(key, rate_name)
    if not attempt.allowed:
        raise TooManyAttempts(attempt.retry_after)


def note_used(request, passkey: Passkey) -> None:
    """The session remembers which kind of key signed in (RFC 8176 "hwk" or "swk")."""
    request.session[levels.PASSKEY_AMR_SESSION_KEY] = passkeys.amr_of(passkey)


def verify_second_factor(request, user, credential: str) -> Passkey:
    """The passkey of `user` that answered the stage's challenge; raises PasskeyError or
    TooManyAttempts (both audited)."""
    try:
        _check_rate(f"user:{user.pk}", "mfa.passkey")
    except TooManyAttempts:
        _failed(request, user, TOO_MANY, purpose=Purpose.SECOND_FACTOR)
        raise
    try:
        passkey = passkeys.verify_assertion(request, Purpose.SECOND_FACTOR, credential, user=user)
    except PasskeyError as error:
        _failed(request, user, error.failure, purpose=Purpose.SECOND_FACTOR)
        history.record_failed_code(request, user, PASSKEY)
        raise
    record(
        AuditAction.MFA_VERIFIED,
        request=request,
        actor=user,
        target=user,
        context={"method": PASSKEY, "name": passkey.name, "device_id": passkey.pk},
    )
    note_used(request, passkey)
    return passkey


def verify_passwordless(request, credential: str) -> Passkey:
    """The passkey (any account's) that answered the login page's challenge; raises
    PasskeyError or TooManyAttempts (both audited). The caller applies the account rule."""
    try:
        _check_rate(f"ip:{client_ip(request) or 'unknown'}", "mfa.passkey_login")
    except TooManyAttempts:
        record(
            AuditAction.RATE_LIMITED,
            request=request,
            outcome=AuditOutcome.DENIED,
            context={"scope": "passkey_login", "key": "ip"},
        )
        raise
    try:
        passkey = passkeys.verify_assertion(request, Purpose.PASSWORDLESS, credential)
    except PasskeyError as error:
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            actor=error.user,
            outcome=AuditOutcome.FAILURE,
            context={"method": PASSKEY, "reason": str(error.failure)},
        )
        raise
    record(
        AuditAction.MFA_VERIFIED,
        request=request,
        actor=passkey.user,
        target=passkey.user,
        context={"method": PASSKEY, "name": passkey.name, "device_id": passkey.pk},
    )
    note_used(request, passkey)
    return passkey
