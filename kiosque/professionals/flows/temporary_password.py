"""A new temporary password for a user: random, valid a few days, single use (it only opens
the forced password change). The clear value goes nowhere but the caller's outbox e-mail."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from kiosque.accounts.flows import credentials
from kiosque.accounts.passwords import generate_password
from kiosque.professionals import app_settings


@dataclass(frozen=True)
class TemporaryPassword:
    password: str
    expires_at: datetime

    def __repr__(self):  # never print the secret
        return f"TemporaryPassword(expires_at={self.expires_at:%Y-%m-%d %H:%M})"


def valid_days() -> int:
    return app_settings.TEMPORARY_PASSWORD_DAYS


def issue(user, *, request=None) -> TemporaryPassword:
    """Replace the user's password by a new temporary one (the previous one stops working)."""
    days = valid_days()
    password = generate_password()
    credentials.set_temporary_password(user, password, days, request=request)
    return TemporaryPassword(password=password, expires_at=timezone.now() + timedelta(days=days))
