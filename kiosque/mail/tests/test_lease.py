"""Claims and leases: a live lease is never taken, an expired one is retried (at-least-once)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kiosque.mail.delivery import candidate_ids, claim_batch, claim_ids
from kiosque.mail.models import OutboxMessage
from kiosque.mail.services import enqueue

pytestmark = pytest.mark.django_db


def _enqueue(count=1):
    with transaction.atomic():
        return [
            enqueue("mail/email/test", to=[f"user{i}@example.fr"], context={}) for i in range(count)
        ]


def test_a_live_lease_is_not_taken_by_a_second_worker(smtp_server, deliver_outbox):
    _enqueue(3)
    token, claimed = claim_batch(10)
    assert len(claimed) == 3
    assert all(message.status == OutboxMessage.Status.SENDING for message in claimed)
    assert claim_batch(10)[1] == []
    assert deliver_outbox() == 0
    assert smtp_server.messages == []


def test_an_expired_lease_is_retried_with_the_same_message_id(smtp_server, deliver_outbox):
    [message] = _enqueue()
    token, [claimed] = claim_batch(10)  # a worker took it, then died mid-send
    lease_until = claimed.lease_until
    assert lease_until > timezone.now()
    assert deliver_outbox() == 0
    assert deliver_outbox(now=lease_until + timedelta(seconds=1)) == 1
    assert smtp_server.message_ids() == [message.message_id]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2


def test_the_dead_workers_late_update_does_not_clobber_the_new_owner(smtp_server, deliver_outbox):
    from kiosque.mail.delivery import _mark_sent

    [message] = _enqueue()
    old_token, [claimed] = claim_batch(10, now=timezone.now())
    later = claimed.lease_until + timedelta(seconds=1)
    new_token, [reclaimed] = claim_batch(10, now=later)
    assert new_token != old_token
    _mark_sent(claimed, old_token)  # the first worker wakes up late
    reclaimed.refresh_from_db()
    assert reclaimed.status == OutboxMessage.Status.SENDING
    assert reclaimed.lease_token == new_token


def test_concurrent_claims_of_the_same_candidates_take_each_row_once():
    """The SQLite path: both workers read the same candidates; the conditional UPDATE arbitrates."""
    _enqueue(5)
    now = timezone.now()
    seen_by_a = candidate_ids(now, 10)
    seen_by_b = candidate_ids(now, 10)
    assert seen_by_a == seen_by_b
    assert claim_ids(seen_by_a, now, "a" * 32) == 5
    assert claim_ids(seen_by_b, now, "b" * 32) == 0
    assert OutboxMessage.objects.filter(lease_token="a" * 32).count() == 5


def test_a_partial_overlap_splits_rows_between_workers():
    _enqueue(4)
    now = timezone.now()
    ids = candidate_ids(now, 10)
    assert claim_ids(ids[:3], now, "a" * 32) == 3
    assert claim_ids(ids[1:], now, "b" * 32) == 1
    assert OutboxMessage.objects.filter(lease_token="b" * 32).get().pk == ids[3]


def test_batches_are_bounded_and_oldest_first():
    messages = _enqueue(5)
    _, claimed = claim_batch(2)
    assert [message.pk for message in claimed] == [messages[0].pk, messages[1].pk]


def test_not_yet_due_messages_are_not_claimed():
    [message] = _enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert claim_batch(10)[1] == []


def test_a_long_batch_keeps_its_lease_alive(smtp_server, settings):
    """A batch slower than its lease renews it: another worker never takes rows in progress."""
    from django.test import override_settings

    from kiosque.mail.delivery import send_batch
    from kiosque.testing.smtp import smtp_settings

    settings.KIOSQUE_MAIL_LEASE_SECONDS = 1
    smtp_server.delay = 0.3
    _enqueue(6)
    token, claimed = claim_batch(10)
    stolen = []

    def another_worker_tries():
        stolen.extend(claim_batch(10)[1])
        return False

    with override_settings(**smtp_settings(smtp_server)):
        result = send_batch(token, claimed, should_stop=another_worker_tries)
    assert result.sent == 6
    assert stolen == []
    assert len(set(smtp_server.message_ids())) == len(smtp_server.messages) == 6
