"""The mailed-code process: code, e-mail, expiry, single use, attempts, resend limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mfa.flows import mail_code
from kiosque.mfa.models import MailedCode
from kiosque.mfa.tests.helpers import code_from
from kiosque.mfa.verification import MailedCodeProcess, Outcome, ResendRefused, Verification

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def process():
    return MailedCodeProcess(purpose="test")


def test_code_is_six_digits_stored_only_as_a_hash(process, user):
    code = process.issue(user, now=T0)
    assert len(code) == 6 and code.isdigit()
    row = MailedCode.objects.get(user=user)
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(seconds=1200)


def test_codes_are_not_predictable(process, make_user):
    codes = {process.issue(make_user(), now=T0) for _ in range(30)}
    assert len(codes) > 25


def test_lifetime_comes_from_the_setting(settings, process, user):
    settings.KIOSQUE_MAIL_CODE_SECONDS = 300
    code = process.issue(user, now=T0)
    assert process.verify(user, code, now=at(301)).outcome is Outcome.EXPIRED


def test_code_is_accepted_once_before_expiry(process, user):
    code = process.issue(user, now=T0)
    assert process.verify(user, code, now=at(1199)).outcome is Outcome.ACCEPTED
    assert process.verify(user, code, now=at(1199)).outcome is Outcome.USED


def test_code_expires_after_1200_seconds(process, user):
    code = process.issue(user, now=T0)
    assert process.verify(user, code, now=at(1200)).outcome is Outcome.EXPIRED


def test_five_tries_per_code_then_a_new_code_is_needed(process, user):
    code = process.issue(user, now=T0)
    wrong = "000000" if code != "000000" else "111111"
    left = [process.verify(user, wrong, now=at(1)).attempts_left for _ in range(4)]
    assert left == [4, 3, 2, 1]
    assert process.verify(user, wrong, now=at(1)) == Verification(Outcome.WRONG, 0)
    assert process.verify(user, wrong, now=at(1)).outcome is Outcome.EXHAUSTED
    # even the right code no longer works
    assert process.verify(user, code, now=at(2)).outcome is Outcome.EXHAUSTED
    assert MailedCode.objects.get().attempts == 5
    new_code = process.issue(user, now=at(61))
    assert process.verify(user, new_code, now=at(62)).outcome is Outcome.ACCEPTED


def test_the_right_code_on_the_fifth_try_is_accepted(process, user):
    code = process.issue(user, now=T0)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        process.verify(user, wrong, now=at(1))
    assert process.verify(user, code, now=at(1)).outcome is Outcome.ACCEPTED


def test_only_the_newest_code_is_valid(process, user):
    first = process.issue(user, now=T0)
    second = process.issue(user, now=at(60))
    if first != second:
        assert process.verify(user, first, now=at(61)).outcome is Outcome.WRONG
    assert process.verify(user, second, now=at(61)).outcome is Outcome.ACCEPTED


def test_code_of_another_user_is_refused(process, make_user):
    alice, bob = make_user(), make_user()
    alice_code = process.issue(alice, now=T0)
    bob_code = process.issue(bob, now=T0)
    if alice_code != bob_code:
        assert process.verify(bob, alice_code, now=at(1)).outcome is Outcome.WRONG
    assert process.verify(bob, bob_code, now=at(1)).outcome is Outcome.ACCEPTED


def test_no_code_asked(process, user):
    assert process.verify(user, "123456", now=T0).outcome is Outcome.NO_CODE


def test_purposes_do_not_mix(user):
    login, other = MailedCodeProcess(purpose="login"), MailedCodeProcess(purpose="other")
    code = login.issue(user, now=T0)
    assert other.verify(user, code, now=at(1)).outcome is Outcome.NO_CODE
    assert login.verify(user, code, now=at(1)).outcome is Outcome.ACCEPTED


def test_resend_waits_60_seconds(process, user):
    process.issue(user, now=T0)
    with pytest.raises(ResendRefused) as refused:
        process.issue(user, now=at(45))
    assert refused.value.retry_after == 15 and not refused.value.too_many
    assert process.resend_wait(user, now=at(59)) == 1
    assert process.resend_wait(user, now=at(60)) == 0
    process.issue(user, now=at(60))


def test_at_most_five_codes_per_15_minutes(process, user):
    for n in range(5):
        process.issue(user, now=at(n * 60))
    with pytest.raises(ResendRefused) as refused:
        process.issue(user, now=at(5 * 60))
    assert refused.value.too_many
    assert refused.value.retry_after == 15 * 60 - 5 * 60
    process.issue(user, now=at(15 * 60 + 1))
    assert MailedCode.objects.count() == 6


def test_login_code_mail_reaches_the_smtp_server(user, smtp_server, deliver_outbox, settings):
    settings.KIOSQUE_PLATFORM_NAME = "Grades CVL"
    mail_code.send(user, attempt="attempt-1")
    assert deliver_outbox() == 1
    (message,) = smtp_server.messages
    assert message["Subject"] == "[Grades CVL] Code d'authentification"
    assert message.envelope_to == [user.email]
    body = message.get_body(preferencelist=("plain",)).get_content()
    code = code_from(message)
    assert f"Votre code d'authentification unique est : {code}. " in body
    assert "Il expire dans 20 minutes." in body
    assert mail_code.verify(user, code, attempt="attempt-1").outcome is Outcome.ACCEPTED


def test_login_code_mail_is_purged_after_delivery_and_audited(user, smtp_server, deliver_outbox):
    mail_code.send(user, attempt="attempt-1")
    deliver_outbox()
    code = code_from(smtp_server.messages[0])
    from kiosque.mail.models import OutboxMessage

    assert code not in OutboxMessage.objects.get().text_body
    event = AuditEvent.objects.get(action=AuditAction.MFA_CODE_SENT)
    assert event.actor_id == user.pk and code not in str(event.context)


def test_a_used_code_does_not_hold_back_the_next_sign_in(process, user):
    code = process.issue(user, now=T0)
    assert process.verify(user, code, now=at(5)).outcome is Outcome.ACCEPTED
    assert process.resend_wait(user, now=at(10)) == 0
    process.issue(user, now=at(10))


def test_a_code_still_usable_holds_back_a_resend_for_60_seconds(process, user):
    process.issue(user, now=T0)
    with pytest.raises(ResendRefused) as refused:
        process.issue(user, now=at(10))
    assert refused.value.retry_after == 50 and not refused.value.too_many
