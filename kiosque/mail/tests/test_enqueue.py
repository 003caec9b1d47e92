"""enqueue(): rendering, prefix, language, Message-ID, and delivery through a real SMTP server."""

import pytest
from django.db import transaction
from django.utils import translation

from kiosque.mail.models import OutboxMessage
from kiosque.mail.services import enqueue

pytestmark = pytest.mark.django_db


def test_enqueue_renders_subject_text_and_html_in_french():
    with transaction.atomic():
        message = enqueue("mail/email/test", to="lea@example.fr", context={"name": "Léa"})
    message.refresh_from_db()
    assert message.subject == "[Kiosque] Message de test"
    assert message.to == ["lea@example.fr"]
    assert message.text_body.startswith("Bonjour Léa,")
    assert "Ceci est un message de test envoyé par Kiosque." in message.text_body
    assert "http://127.0.0.1:8000/" in message.text_body
    assert "<p>Bonjour Léa,</p>" in message.html_body
    assert message.status == OutboxMessage.Status.PENDING
    assert message.message_id.startswith("<") and message.message_id.endswith(">")


def test_text_parts_are_not_html_escaped_but_html_part_is():
    message = enqueue("mail/email/test", to=["a@example.fr"], context={"name": "O'Brien <x>"})
    assert "Bonjour O'Brien <x>," in message.text_body
    assert "O&#x27;Brien &lt;x&gt;" in message.html_body


def test_subject_is_one_line(settings, tmp_path):
    settings.KIOSQUE_PLATFORM_NAME = "Plateforme"
    message = enqueue("mail/email/test", to=["a@example.fr"], context={"name": "x"})
    assert message.subject == "[Plateforme] Message de test"
    assert "\n" not in message.subject


def test_several_recipients_and_reply_to():
    message = enqueue(
        "mail/email/test",
        to=["a@example.fr", "b@example.fr"],
        context={},
        reply_to="support@example.fr",
    )
    assert message.to == ["a@example.fr", "b@example.fr"]
    assert message.reply_to == ["support@example.fr"]


def test_each_message_gets_its_own_message_id():
    first = enqueue("mail/email/test", to=["a@example.fr"], context={})
    second = enqueue("mail/email/test", to=["a@example.fr"], context={})
    assert first.message_id != second.message_id


def test_renders_in_the_active_language():
    with translation.override("fr"):
        message = enqueue("mail/email/test", to=["a@example.fr"], context={"name": "Léa"})
    assert "Bonjour" in message.text_body


def test_no_recipient_is_refused():
    with pytest.raises(ValueError):
        enqueue("mail/email/test", to=[], context={})


def test_delivered_through_smtp_with_subject_body_and_message_id(smtp_server, deliver_outbox):
    with transaction.atomic():
        message = enqueue(
            "mail/email/test", to=["lea@example.fr", "paul@example.fr"], context={"name": "Léa"}
        )
    assert deliver_outbox() == 1
    [received] = smtp_server.messages
    assert received["Subject"] == "[Kiosque] Message de test"
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "lea@example.fr, paul@example.fr"
    assert received.envelope_to == ["lea@example.fr", "paul@example.fr"]
    assert received["Auto-Submitted"] == "auto-generated"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert text.startswith("Bonjour Léa,")
    assert "<p>Bonjour Léa,</p>" in html
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert deliver_outbox() == 0
    assert len(smtp_server.messages) == 1


def test_rolled_back_transaction_sends_nothing(smtp_server, deliver_outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("mail/email/test", to=["a@example.fr"], context={})
        raise RuntimeError("the change that caused the e-mail failed")
    assert OutboxMessage.objects.count() == 0
    assert deliver_outbox() == 0
    assert smtp_server.messages == []
