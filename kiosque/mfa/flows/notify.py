"""Notices mailed to a user when their second factors change (through the outbox)."""

from django.utils import timezone

from kiosque.mail.services import enqueue


def second_factor_changed(user, template: str, **context) -> None:
    """Call inside the transaction of the change."""
    if not user.email:
        return
    enqueue(
        f"mfa/email/{template}",
        to=[user.email],
        context={"user": user, "when": timezone.localtime(), **context},
    )
