"""purge_after_delivery: a temporary password does not stay in the database once delivered."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kiosque.mail.jobs import purge_old_bodies
from kiosque.mail.models import PURGED_BODY, OutboxMessage
from kiosque.mail.services import enqueue

pytestmark = pytest.mark.django_db


def test_bodies_are_purged_after_delivery(smtp_server, deliver_outbox):
    with transaction.atomic():
        secret = enqueue(
            "mail/email/test",
            to=["lea@example.fr"],
            context={"name": "Mdp-Temporaire-42!"},
            purge_after_delivery=True,
        )
        kept = enqueue("mail/email/test", to=["paul@example.fr"], context={"name": "Paul"})
    assert "Mdp-Temporaire-42!" in secret.text_body
    assert deliver_outbox() == 2
    received = {str(m["Message-ID"]): m for m in smtp_server.messages}
    assert "Mdp-Temporaire-42!" in received[secret.message_id].get_body(("plain",)).get_content()
    secret.refresh_from_db()
    kept.refresh_from_db()
    assert secret.text_body == PURGED_BODY
    assert secret.html_body == ""
    assert secret.bodies_purged
    assert "Mdp-Temporaire-42!" not in secret.subject
    assert "Paul" in kept.text_body and not kept.bodies_purged


def test_bodies_stay_until_delivered(smtp_server, deliver_outbox):
    smtp_server.stop()
    with transaction.atomic():
        secret = enqueue(
            "mail/email/test",
            to=["a@example.fr"],
            context={"name": "S3cret"},
            purge_after_delivery=True,
        )
    deliver_outbox()
    secret.refresh_from_db()
    assert "S3cret" in secret.text_body, "a retry still needs the body"


def test_old_sent_bodies_are_purged_by_the_periodic_job(smtp_server, deliver_outbox, settings):
    settings.KIOSQUE_MAIL_BODY_RETENTION_DAYS = 30
    with transaction.atomic():
        old = enqueue("mail/email/test", to=["a@example.fr"], context={"name": "Ancien"})
        recent = enqueue("mail/email/test", to=["b@example.fr"], context={"name": "Récent"})
        pending = enqueue("mail/email/test", to=["c@example.fr"], context={"name": "Attente"})
    deliver_outbox()
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=31))
    OutboxMessage.objects.filter(pk=pending.pk).update(
        status=OutboxMessage.Status.PENDING, created_at=timezone.now() - timedelta(days=60)
    )
    assert purge_old_bodies() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    pending.refresh_from_db()
    assert old.text_body == PURGED_BODY
    assert "Récent" in recent.text_body
    assert "Attente" in pending.text_body
