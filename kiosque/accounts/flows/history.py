"""The connection history: every sign-in attempt of a known user, kept 12 months."""

from datetime import timedelta

from django.utils import timezone

from kiosque.accounts import app_settings, useragent
from kiosque.accounts.models import AttemptOutcome, ConnectionAttempt
from kiosque.core.proxy import client_ip

Outcome = AttemptOutcome

PASSWORD_METHODS = {"password", "pwd"}


def record_attempt(request, user, outcome, second_factor: str = "") -> ConnectionAttempt:
    agent = useragent.parse(request.META.get("HTTP_USER_AGENT", "") if request else "")
    return ConnectionAttempt.objects.create(
        user=user,
        created_at=timezone.now(),
        outcome=AttemptOutcome(str(outcome)),
        second_factor=second_factor[:32],
        ip_address=client_ip(request),
        browser=agent.browser,
        operating_system=agent.operating_system,
    )


def second_factor_of(methods: list[str]) -> str:
    return ", ".join(method for method in methods if method not in PASSWORD_METHODS)


def for_user(user):
    return ConnectionAttempt.objects.filter(user=user, created_at__gte=_cutoff())


def _cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=app_settings.CONNECTION_HISTORY_DAYS)


def purge(now=None) -> int:
    deleted, _ = ConnectionAttempt.objects.filter(created_at__lt=_cutoff(now)).delete()
    return deleted
