"""Password expiry reminders (14 and 3 days before), each sent once per password."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from kiosque.accounts import app_settings
from kiosque.accounts.backends import account_can_authenticate
from kiosque.accounts.models import PasswordExpiryReminder
from kiosque.mail.services import enqueue


def expires_at(user):
    if user.password_changed_at is None:
        return None
    return user.password_changed_at + timedelta(days=app_settings.PASSWORD_MAX_AGE_DAYS)


def days_left(expiry, now) -> int:
    """Days from today to the expiry day, counted on the calendar of the local time zone: the
    reminder's "dans N jours" and its "le jj/mm/aaaa" come from this one computation."""
    return (timezone.localdate(expiry) - timezone.localdate(now)).days


def _due_reminder(remaining: timedelta, thresholds: list[int]) -> int | None:
    """The most urgent threshold reached (14 then 3): at 2 days left, only "3" is due."""
    reached = [days for days in thresholds if remaining <= timedelta(days=days)]
    return min(reached) if reached else None


def send_reminders(now=None) -> int:
    now = now or timezone.now()
    thresholds = sorted(app_settings.PASSWORD_REMINDER_DAYS)
    if not thresholds:
        return 0
    max_age = timedelta(days=app_settings.PASSWORD_MAX_AGE_DAYS)
    users = (
        get_user_model()
        ._default_manager.filter(
            must_change_password=False,
            password_changed_at__gt=now - max_age,
            password_changed_at__lte=now - max_age + timedelta(days=max(thresholds)),
        )
        .exclude(email="")
    )
    sent = 0
    for user in users.iterator():
        if not account_can_authenticate(user, now):
            continue
        expiry = expires_at(user)
        days = _due_reminder(expiry - now, thresholds)
        if days is None:
            continue
        already = PasswordExpiryReminder.objects.filter(
            user=user, password_changed_at=user.password_changed_at, days_before__lte=days
        ).exists()
        if already:
            continue
        try:
            with transaction.atomic():
                PasswordExpiryReminder.objects.create(
                    user=user, password_changed_at=user.password_changed_at, days_before=days
                )
                enqueue(
                    "accounts/email/password_expiry_reminder",
                    to=[user.email],
                    context={
                        "user": user,
                        "expires_at": expiry,
                        "days": days_left(expiry, now),
                    },
                )
        except IntegrityError:  # another worker sent it meanwhile
            continue
        sent += 1
    return sent
