"""Admin: read-only outbox, "Renvoyer maintenant" for failed messages, purged bodies hidden."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mail.models import PURGED_BODY, OutboxMessage
from kiosque.mail.services import enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.fr", "x" * 16)
    client.force_login(user)
    return client


def _message(status, **extra):
    message = enqueue("mail/email/test", to=["lea@example.fr"], context={"name": "Léa"})
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, **extra)
    return message


def test_list_shows_status_recipients_and_errors(admin_client):
    _message(OutboxMessage.Status.FAILED, attempts=3, last_error="SMTPRecipientsRefused: 550")
    url = reverse("admin:mail_outboxmessage_changelist")
    html = admin_client.get(url).content.decode()
    assert "lea@example.fr" in html
    assert "SMTPRecipientsRefused: 550" in html
    assert "[Kiosque] Message de test" in html
    filtered = admin_client.get(url, {"status__exact": "sent"}).content.decode()
    assert "lea@example.fr" not in filtered


def test_resend_now_puts_failed_messages_back_in_the_queue(admin_client):
    failed = _message(OutboxMessage.Status.FAILED, attempts=30, last_error="550")
    sent = _message(OutboxMessage.Status.SENT, attempts=1)
    response = admin_client.post(
        reverse("admin:mail_outboxmessage_changelist"),
        {"action": "resend_now", "_selected_action": [failed.pk, sent.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == OutboxMessage.Status.PENDING
    assert failed.attempts == 0
    assert sent.status == OutboxMessage.Status.SENT
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert event.context["ids"] == [failed.pk]


def test_confidential_bodies_are_never_shown(admin_client):
    secret = enqueue(
        "mail/email/test",
        to=["a@example.fr"],
        context={"name": "Mdp-Temporaire-42!"},
        purge_after_delivery=True,
    )
    url = reverse("admin:mail_outboxmessage_change", args=[secret.pk])
    html = admin_client.get(url).content.decode()
    assert "Mdp-Temporaire-42!" not in html
    assert "Contenu confidentiel non affiché." in html
    secret.purge_bodies()
    secret.save()
    html = admin_client.get(url).content.decode()
    assert PURGED_BODY not in html


def test_the_outbox_cannot_be_edited_from_the_admin(admin_client):
    message = _message(OutboxMessage.Status.PENDING)
    url = reverse("admin:mail_outboxmessage_change", args=[message.pk])
    admin_client.post(url, {"subject": "changé"})
    message.refresh_from_db()
    assert message.subject == "[Kiosque] Message de test"
    assert admin_client.get(reverse("admin:mail_outboxmessage_add")).status_code == 403
