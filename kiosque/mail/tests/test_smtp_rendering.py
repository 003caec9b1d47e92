"""The SMTP path hands Django's EmailMessage to Django's SMTP backend: what arrives decodes to
exactly what was enqueued, whatever the accents, long lines and leading dots."""

import pytest

from kiosque.mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

TEXT = (
    "Bonjour Léa,\n\n"
    "Votre mot de passe temporaire : Ab3$défi!  \n"
    ".une ligne qui commence par un point\n"
    "From une ligne piège\n"
    "Lien : https://kiosque.example.fr/connexion/?next=/applications/" + "x" * 120 + "\n"
    "Dernière ligne sans saut"
)
HTML = "<p>Bonjour Léa,</p>\n<p>" + "é" * 300 + "</p>"


@pytest.mark.parametrize("html", [HTML, ""])
def test_what_arrives_decodes_to_what_was_enqueued(smtp_server, deliver_outbox, settings, html):
    settings.DEFAULT_FROM_EMAIL = "Plateforme régionale e-santé <ne-pas-repondre@kiosque.fr>"
    subject = "[Kiosque] Votre demande d'inscription a été validée — accès aux applications"
    OutboxMessage.objects.create(
        to=["lea@example.fr", "paul.martin@example.fr"],
        reply_to=["support@example.fr"],
        subject=subject,
        text_body=TEXT,
        html_body=html,
        message_id="<0123456789abcdef@kiosque.example.fr>",
    )
    assert deliver_outbox() == 1
    [received] = smtp_server.messages
    assert received["Subject"] == subject
    assert received["From"] == settings.DEFAULT_FROM_EMAIL
    assert received["Reply-To"] == "support@example.fr"
    assert received["Message-ID"] == "<0123456789abcdef@kiosque.example.fr>"
    assert received["Auto-Submitted"] == "auto-generated"
    text = received.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n").rstrip("\n") == TEXT
    if html:
        html_part = received.get_body(("html",)).get_content()
        assert html_part.replace("\r\n", "\n").rstrip("\n") == HTML
    else:
        assert received.get_content_type() == "text/plain"


def test_a_header_injection_is_refused_and_never_sent(smtp_server, deliver_outbox):
    row = OutboxMessage.objects.create(
        to=["lea@example.fr"],
        subject="Objet\r\nBcc: victim@example.fr",
        text_body="t",
        message_id="<id@example.fr>",
    )
    deliver_outbox()
    assert smtp_server.messages == []
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED
