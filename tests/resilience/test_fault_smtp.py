"""SMTP down for a while, then back (issue 10, item 2): requests never fail meanwhile, every
queued e-mail is delivered exactly once after recovery."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kiosque.mail.models import OutboxMessage

USERS = 8


@pytest.mark.django_db
def test_mail_waits_for_the_smtp_server_and_is_delivered_once(
    make_user, smtp_server, deliver_outbox
):
    users = [make_user() for _ in range(USERS)]
    smtp_server.stop()

    for number, user in enumerate(users):
        client = Client(REMOTE_ADDR=f"10.2.0.{number + 1}")
        reset = client.post("/mot-de-passe-oublie/", {"email": user.email})
        assert reset.status_code == 302, reset.content.decode()[:500]
        forgotten = client.post("/identifiant-oublie/", {"email": user.email})
        assert forgotten.status_code == 302, forgotten.content.decode()[:500]
    queued = OutboxMessage.objects.count()
    assert queued == 2 * USERS

    # The worker's passes while the server is down: nothing sent, nothing failed, all kept.
    # (Real time: a pass "in the future" would replay every backoff at once.)
    for _pass in range(3):
        assert deliver_outbox() == 0
    statuses = set(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {OutboxMessage.Status.PENDING}
    assert all(
        attempts >= 1 for attempts in OutboxMessage.objects.values_list("attempts", flat=True)
    )
    assert smtp_server.received_count == 0

    smtp_server.start()
    later = timezone.now() + timedelta(hours=5)
    assert deliver_outbox(now=later) == queued
    assert deliver_outbox(now=later + timedelta(hours=1)) == 0

    messages = smtp_server.messages
    assert len(messages) == queued
    assert len(set(smtp_server.message_ids())) == queued
    for user in users:
        received = [m for m in messages if m.envelope_to == [user.email]]
        assert len(received) == 2, user.email
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxMessage.Status.SENT
    }


@pytest.mark.django_db
def test_smtp_outage_mid_batch_loses_nothing(make_user, smtp_server, deliver_outbox):
    """The server goes away between two messages of one batch: the rest waits, nothing lost."""
    users = [make_user() for _ in range(4)]
    for number, user in enumerate(users):
        Client(REMOTE_ADDR=f"10.2.1.{number + 1}").post(
            "/identifiant-oublie/", {"email": user.email}
        )
    smtp_server.refuse(users[2].email, "421 4.3.2 Service indisponible")
    first = deliver_outbox()
    assert first >= 2
    smtp_server.handler.refused.clear()
    assert first + deliver_outbox(now=timezone.now() + timedelta(hours=2)) == len(users)
    assert sorted(m.envelope_to[0] for m in smtp_server.messages) == sorted(u.email for u in users)
