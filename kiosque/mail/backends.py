"""DevMailboxBackend: 'delivers' e-mails into the database, shown at /dev/mailbox/."""

from django.core.mail.backends.base import BaseEmailBackend

from kiosque.mail.models import DevMailboxMessage


def _html_alternative(message) -> str:
    for alternative in getattr(message, "alternatives", None) or []:
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html":
            return str(content)
    return ""


class DevMailboxBackend(BaseEmailBackend):
    """Stores each message as a DevMailboxMessage instead of talking to an SMTP server."""

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        rows = [
            DevMailboxMessage(
                message_id=str(message.extra_headers.get("Message-ID", "")),
                from_email=str(message.from_email or ""),
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                reply_to=list(message.reply_to),
                subject=str(message.subject),
                text_body=str(message.body),
                html_body=_html_alternative(message),
            )
            for message in email_messages
        ]
        DevMailboxMessage.objects.bulk_create(rows)
        return len(rows)
