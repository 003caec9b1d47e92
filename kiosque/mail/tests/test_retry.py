"""A down or refusing SMTP server delays mail, with backoff; it never loses or doubles it."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mail.delivery import backoff_delay
from kiosque.mail.models import OutboxMessage
from kiosque.mail.services import enqueue

pytestmark = pytest.mark.django_db


def _request_like_flow(address="lea@example.fr"):
    """What a view does: change something and enqueue its e-mail in one transaction."""
    with transaction.atomic():
        return enqueue("mail/email/test", to=[address], context={"name": "Léa"})


def test_smtp_down_then_up_delivers_exactly_once(smtp_server, deliver_outbox):
    smtp_server.stop()
    message = _request_like_flow()  # nothing raised while SMTP is down

    before = timezone.now()
    assert deliver_outbox() == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert before + timedelta(seconds=22) <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + timedelta(seconds=38)

    smtp_server.start()
    assert deliver_outbox() == 0, "not due yet: the backoff is honoured"
    assert smtp_server.messages == []

    assert deliver_outbox(now=message.next_attempt_at + timedelta(seconds=1)) == 1
    assert deliver_outbox(now=message.next_attempt_at + timedelta(hours=2)) == 0
    assert smtp_server.message_ids() == [message.message_id]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.last_error == ""


def test_backoff_doubles_with_jitter_and_is_capped():
    for _ in range(50):
        assert timedelta(seconds=22.5) <= backoff_delay(1) <= timedelta(seconds=37.5)
        assert timedelta(seconds=45) <= backoff_delay(2) <= timedelta(seconds=75)
        assert timedelta(seconds=90) <= backoff_delay(3) <= timedelta(seconds=150)
        assert timedelta(minutes=45) <= backoff_delay(12) <= timedelta(hours=1)
        assert backoff_delay(1000) <= timedelta(hours=1)
    assert len({backoff_delay(5) for _ in range(20)}) > 1, "jitter spreads retries"


def test_temporary_refusal_is_retried(smtp_server, deliver_outbox):
    smtp_server.refuse("full@example.fr", "450 4.2.2 Boîte pleine")
    message = _request_like_flow("full@example.fr")
    assert deliver_outbox() == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert "450" in message.last_error
    assert not AuditEvent.objects.filter(action=AuditAction.MAIL_DELIVERY_FAILED).exists()


def test_permanent_refusal_fails_and_is_audited(smtp_server, deliver_outbox):
    smtp_server.refuse("nobody@example.fr")
    message = _request_like_flow("nobody@example.fr")
    after = _request_like_flow("lea@example.fr")
    assert deliver_outbox() == 1, "the next message still goes out on the same pass"
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert "550" in message.last_error
    event = AuditEvent.objects.get(action=AuditAction.MAIL_DELIVERY_FAILED)
    assert event.outcome == "failure"
    assert event.target_id == str(message.pk)
    assert event.context["message_id"] == message.message_id
    assert smtp_server.message_ids() == [after.message_id]
    assert deliver_outbox(now=timezone.now() + timedelta(days=2)) == 0, "failed is final"


def test_one_refused_recipient_among_several_still_delivers(smtp_server, deliver_outbox):
    smtp_server.refuse("nobody@example.fr")
    with transaction.atomic():
        enqueue("mail/email/test", to=["nobody@example.fr", "lea@example.fr"], context={})
    assert deliver_outbox() == 1
    assert smtp_server.messages[0].envelope_to == ["lea@example.fr"]


def test_gives_up_after_max_attempts(smtp_server, deliver_outbox, settings):
    settings.KIOSQUE_MAIL_MAX_ATTEMPTS = 2
    smtp_server.stop()
    message = _request_like_flow()
    assert deliver_outbox() == 0
    assert deliver_outbox(now=timezone.now() + timedelta(hours=2)) == 0
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 2
    assert AuditEvent.objects.filter(action=AuditAction.MAIL_DELIVERY_FAILED).count() == 1


def test_audit_and_logs_never_carry_the_body(smtp_server, deliver_outbox, caplog):
    smtp_server.refuse("nobody@example.fr")
    with transaction.atomic():
        enqueue("mail/email/test", to=["nobody@example.fr"], context={"name": "SECRET-XYZ"})
    caplog.set_level("DEBUG", logger="kiosque")
    deliver_outbox()
    event = AuditEvent.objects.get(action=AuditAction.MAIL_DELIVERY_FAILED)
    assert "SECRET-XYZ" not in str(event.context)
    assert "SECRET-XYZ" not in caplog.text
