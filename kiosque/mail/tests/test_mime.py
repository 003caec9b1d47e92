"""The worker's lean MIME rendering decodes to exactly what Django's EmailMessage would carry."""

import email
import email.policy

import pytest
from django.core.mail import EmailMultiAlternatives

from kiosque.mail.mime import render_mime

TEXT = (
    "Bonjour Léa,\n\n"
    "Votre mot de passe temporaire : Ab3$défi!  \n"
    ".une ligne qui commence par un point\n"
    "From une ligne piège\n"
    "Lien : https://kiosque.example.fr/connexion/?next=/applications/" + "x" * 120 + "\n"
    "\tTabulation et espaces en fin   \n"
    "Dernière ligne sans saut"
)
HTML = "<p>Bonjour Léa,</p>\n<p>" + "é" * 300 + "</p>"


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def _django(**kwargs):
    message = EmailMultiAlternatives(
        subject=kwargs["subject"],
        body=kwargs["text"],
        from_email=kwargs["from_email"],
        to=kwargs["to"],
        reply_to=kwargs.get("reply_to"),
        headers={"Message-ID": kwargs["message_id"]},
    )
    if kwargs.get("html"):
        message.attach_alternative(kwargs["html"], "text/html")
    return _parse(message.message(policy=email.policy.SMTP).as_bytes())


@pytest.mark.parametrize("html", [HTML, ""])
def test_same_decoded_headers_and_bodies_as_django(settings, html):
    fields = {
        "from_email": "Plateforme régionale e-santé <ne-pas-repondre@kiosque.example.fr>",
        "to": ["lea@example.fr", "paul.martin@example.fr"] + [f"u{i}@example.fr" for i in range(9)],
        "reply_to": ["support@example.fr"],
        "subject": "[Kiosque] Votre demande d'inscription a été validée — "
        + "accès aux applications régionales de santé",
        "text": TEXT,
        "html": html,
        "message_id": "<0123456789abcdef@kiosque.example.fr>",
    }
    ours = _parse(render_mime(**fields, extra_headers={"Auto-Submitted": "auto-generated"}))
    theirs = _django(**fields)
    for name in ["Subject", "From", "To", "Reply-To", "Message-ID", "MIME-Version"]:
        assert str(ours[name]) == str(theirs[name]), name
    assert ours["Auto-Submitted"] == "auto-generated"
    assert ours["Date"].datetime is not None
    ours_text = ours.get_body(("plain",)).get_content()
    assert ours_text.replace("\r\n", "\n").rstrip("\n") == TEXT
    theirs_text = theirs.get_body(("plain",)).get_content()
    assert ours_text.rstrip("\r\n") == theirs_text.rstrip("\r\n")
    if html:
        ours_html = ours.get_body(("html",)).get_content()
        assert ours_html.replace("\r\n", "\n").rstrip("\n") == HTML
    else:
        assert ours.get_content_type() == "text/plain"
    assert not ours.defects


def test_lines_stay_within_smtp_limits():
    raw = render_mime(
        from_email="a@example.fr",
        to=["b@example.fr"],
        subject="é" * 200,
        text="x" * 5000,
        html="<p>" + "y" * 5000 + "</p>",
        message_id="<id@example.fr>",
    )
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")


@pytest.mark.parametrize(
    "field,value",
    [
        ("subject", "Objet\r\nBcc: victim@example.fr"),
        ("message_id", "<id@example.fr>\nBcc: victim@example.fr"),
        ("to", ["a@example.fr\r\nBcc: victim@example.fr"]),
    ],
)
def test_header_injection_is_refused(field, value):
    fields = {
        "from_email": "a@example.fr",
        "to": ["b@example.fr"],
        "subject": "Objet",
        "text": "t",
        "message_id": "<id@example.fr>",
        field: value,
    }
    with pytest.raises(ValueError):
        render_mime(**fields)
