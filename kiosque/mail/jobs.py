"""Periodic housekeeping of the outbox."""

from datetime import timedelta

from django.utils import timezone

from kiosque.core.jobs import periodic
from kiosque.mail import app_settings
from kiosque.mail.models import PURGED_BODY, DevMailboxMessage, OutboxMessage


@periodic("mail.purge_old_bodies", every=timedelta(hours=6))
def purge_old_bodies() -> int:
    """Blank the bodies of messages sent more than N days ago (headers stay for tracing)."""
    days = app_settings.MAIL_BODY_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=cutoff, bodies_purged=False
    ).update(text_body=PURGED_BODY, html_body="", bodies_purged=True)


@periodic("mail.trim_dev_mailbox", every=timedelta(hours=6))
def trim_dev_mailbox() -> int:
    """Drop dev-mailbox messages older than N days (dev and training environments)."""
    days = app_settings.DEV_MAILBOX_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = DevMailboxMessage.objects.filter(delivered_at__lt=cutoff).delete()
    return deleted
