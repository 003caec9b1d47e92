"""The sign-in follows Django's auth contracts: authenticate() with the configured backend,
and user_login_failed / user_logged_in feed the limits, the history and the audit whatever
the entry."""

from django.contrib import auth
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import RequestFactory

from kiosque.accounts.flows import throttle
from kiosque.accounts.models import AttemptOutcome, ConnectionAttempt
from kiosque.accounts.tests.conftest import PASSWORD, login
from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.core.models import RateLimitCounter


def _receive(signal):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signal.connect(receiver, weak=False)
    return received, receiver


def test_the_sign_in_page_goes_through_authenticate_and_its_signals(client, user, settings):
    failed, on_failed = _receive(user_login_failed)
    logged_in, on_logged_in = _receive(user_logged_in)
    try:
        login(client, "ndupont", "Faux-Secret-123")
        login(client, "ndupont")
    finally:
        user_login_failed.disconnect(on_failed)
        user_logged_in.disconnect(on_logged_in)
    assert [kwargs["credentials"]["username"] for kwargs in failed] == ["ndupont"]
    assert "Faux" not in str(failed[0]["credentials"])  # Django cleanses the password
    assert [kwargs["user"] for kwargs in logged_in] == [user]
    # The backend configured, not a string written in the code.
    assert client.session[auth.BACKEND_SESSION_KEY] == settings.AUTHENTICATION_BACKENDS[0]


def test_any_authenticate_call_is_limited_recorded_and_audited(user):
    request = RequestFactory().post("/ailleurs/", REMOTE_ADDR="203.0.113.9")
    assert auth.authenticate(request, username="ndupont", password="Faux-Secret-123") is None
    account = RateLimitCounter.objects.filter(key=f"login.account:{throttle.account_key(user)}")
    assert account.get().count == 1
    ip = RateLimitCounter.objects.get(key=f"login.ip:{throttle.ip_key('203.0.113.9')}")
    assert ip.count == 1
    attempt = ConnectionAttempt.objects.get(user=user)
    assert attempt.outcome == AttemptOutcome.WRONG_PASSWORD
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.LOGIN_FAILED).exists()
    # The right password through the same call: the account's failures are forgotten.
    assert auth.authenticate(request, username="ndupont", password=PASSWORD) == user
    assert not account.exists()


def test_authenticate_refuses_an_account_the_rule_refuses(user):
    user.is_locked = True
    user.save()
    request = RequestFactory().post("/ailleurs/")
    assert auth.authenticate(request, username="ndupont", password=PASSWORD) is None
    assert ConnectionAttempt.objects.get(user=user).outcome == AttemptOutcome.LOCKED


def test_any_login_is_recorded_in_the_history_and_the_audit(client, user):
    client.force_login(user)  # django.contrib.auth.login(), as any entry would call it
    attempt = ConnectionAttempt.objects.get(user=user)
    assert attempt.outcome == AttemptOutcome.SUCCESS
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.LOGIN_SUCCEEDED).exists()
    assert client.get("/compte/sessions/").status_code == 200
