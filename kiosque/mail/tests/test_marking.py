"""Accepted messages are marked `sent` in small chunks: what a crash can resend is bounded."""

import pytest
from django.db import transaction
from django.test import override_settings

from kiosque.mail.delivery import claim_batch, send_batch
from kiosque.mail.models import OutboxMessage
from kiosque.mail.services import enqueue
from kiosque.testing.smtp import smtp_settings

pytestmark = pytest.mark.django_db


def _enqueue(count):
    with transaction.atomic():
        return [
            enqueue("mail/email/test", to=[f"user{i}@example.fr"], context={}) for i in range(count)
        ]


def _send_watching_unmarked(smtp_server, batch_size):
    """Run one batch; before each message, count the accepted rows still `sending`: what a
    SIGKILL at that point would leave to be sent again (besides the message in flight)."""
    token, claimed = claim_batch(batch_size)
    unmarked = []

    def crash_point():
        accepted = set(smtp_server.message_ids())
        still_sending = OutboxMessage.objects.filter(
            status=OutboxMessage.Status.SENDING, message_id__in=accepted
        )
        unmarked.append(still_sending.count())
        return False

    with override_settings(**smtp_settings(smtp_server)):
        result = send_batch(token, claimed, should_stop=crash_point)
    return result, unmarked


def test_marks_are_chunked_and_bounded(smtp_server, settings):
    settings.KIOSQUE_MAIL_MARK_EVERY = 4
    settings.KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS = 60
    _enqueue(10)
    result, unmarked = _send_watching_unmarked(smtp_server, 10)
    assert result.sent == 10
    # One UPDATE per 4 accepted messages: 0,1,2,3 waiting, then marked, and so on.
    assert unmarked == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert max(unmarked) == settings.KIOSQUE_MAIL_MARK_EVERY - 1
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(set(smtp_server.message_ids())) == len(smtp_server.messages) == 10


def test_a_slow_server_gets_each_message_marked_at_once(smtp_server, settings):
    settings.KIOSQUE_MAIL_MARK_EVERY = 20
    settings.KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS = 0.05
    smtp_server.delay = 0.1
    _enqueue(4)
    result, unmarked = _send_watching_unmarked(smtp_server, 10)
    assert result.sent == 4
    assert unmarked == [0, 0, 0, 0]


def test_mark_every_one_is_per_message_marking(smtp_server, settings):
    settings.KIOSQUE_MAIL_MARK_EVERY = 1
    settings.KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS = 60
    _enqueue(5)
    result, unmarked = _send_watching_unmarked(smtp_server, 10)
    assert result.sent == 5
    assert unmarked == [0] * 5


def test_accepted_messages_are_marked_before_a_refusal_is_recorded(smtp_server, settings):
    """A refusal in the middle of a chunk: the accepted ones before it are sent, not retried."""
    settings.KIOSQUE_MAIL_MARK_EVERY = 50
    settings.KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS = 60
    messages = _enqueue(5)
    smtp_server.refuse("user2@example.fr", "451 4.3.0 Plus tard")
    result, _ = _send_watching_unmarked(smtp_server, 10)
    assert (result.sent, result.retried) == (4, 1)
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert statuses == {
        message.pk: ("pending" if i == 2 else "sent") for i, message in enumerate(messages)
    }


def test_a_clean_stop_marks_the_accepted_and_releases_the_rest(smtp_server, settings):
    settings.KIOSQUE_MAIL_MARK_EVERY = 50
    settings.KIOSQUE_MAIL_MARK_MAX_DELAY_SECONDS = 60
    _enqueue(6)
    token, claimed = claim_batch(10)
    with override_settings(**smtp_settings(smtp_server)):
        result = send_batch(token, claimed, should_stop=lambda: smtp_server.received_count >= 3)
    assert (result.sent, result.released) == (3, 3)
    counts = {
        status: OutboxMessage.objects.filter(status=status).count()
        for status in ("sent", "pending", "sending")
    }
    assert counts == {"sent": 3, "pending": 3, "sending": 0}
