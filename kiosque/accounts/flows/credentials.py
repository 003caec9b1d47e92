"""Credentials an account manager or a flow sets on a user: temporary passwords, forced
changes, locks. Every function saves the user and writes the audit log."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kiosque.accounts.models import PasswordChangeReason, User
from kiosque.audit.services import AuditAction, record


def set_temporary_password(user: User, password: str, valid_days: int, *, request=None) -> None:
    """A password that only opens the forced password change, refused after `valid_days`."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.must_change_reason = PasswordChangeReason.TEMPORARY
        user.temporary_password_expires_at = timezone.now() + timedelta(days=valid_days)
        user.save()
        record(
            AuditAction.PASSWORD_CHANGED,
            request=request,
            target=user,
            context={"temporary": True, "valid_days": valid_days},
        )


def force_password_change(user: User, reason: str, *, request=None) -> None:
    """The user must choose a new password at their next sign-in."""
    user.must_change_password = True
    user.must_change_reason = PasswordChangeReason(reason)
    user.save(update_fields=["must_change_password", "must_change_reason"])
    record(
        AuditAction.PASSWORD_CHANGED,
        request=request,
        target=user,
        context={"forced_change": str(reason)},
    )


def set_password(user: User, password: str) -> None:
    """The user chose a new password (validated by the caller): it clears any forced change."""
    user.set_password(password)
    user.must_change_password = False
    user.must_change_reason = ""
    user.temporary_password_expires_at = None
    user.save()


def lock(user: User, reason: str, until=None, *, request=None) -> None:
    """Refuse every sign-in of `user` (for ever, or until `until`)."""
    user.is_locked = True
    user.locked_until = until
    user.lock_reason = reason[:200]
    user.save(update_fields=["is_locked", "locked_until", "lock_reason"])
    from kiosque.accounts.flows import sessions

    sessions.end_all(user)
    record(
        AuditAction.ACCOUNT_LOCKED,
        request=request,
        target=user,
        context={"reason": reason, "until": until.isoformat() if until else None},
    )


def unlock(user: User, *, request=None) -> None:
    from kiosque.accounts.flows import throttle

    user.is_locked = False
    user.locked_until = None
    user.lock_reason = ""
    user.save(update_fields=["is_locked", "locked_until", "lock_reason"])
    throttle.clear_account(user)
    record(AuditAction.ACCOUNT_UNLOCKED, request=request, target=user)


def temporary_password_expired(user: User, now=None) -> bool:
    if not (user.must_change_password and user.must_change_reason == "temporary"):
        return False
    expires = user.temporary_password_expires_at
    return expires is not None and expires <= (now or timezone.now())
