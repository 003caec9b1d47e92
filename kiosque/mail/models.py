"""The transactional outbox and the dev mailbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PURGED_BODY = "[Contenu supprimé après envoi]"


class OutboxMessage(models.Model):
    """One e-mail to deliver, written in the same transaction as the change that causes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    template_name = models.CharField(_("modèle"), max_length=200, blank=True)
    to = models.JSONField(_("destinataires"), default=list)
    reply_to = models.JSONField(_("répondre à"), default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=998)
    text_body = models.TextField(_("texte"))
    html_body = models.TextField(_("HTML"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    lease_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    purge_after_delivery = models.BooleanField(_("purger après envoi"), default=False)
    bodies_purged = models.BooleanField(_("contenu purgé"), default=False)

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="mail_outbox_due_idx"),
            models.Index(fields=["status", "lease_until"], name="mail_outbox_lease_idx"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    def purge_bodies(self) -> None:
        self.text_body = PURGED_BODY
        self.html_body = ""
        self.bodies_purged = True


class DevMailboxMessage(models.Model):
    """A message 'delivered' by DevMailboxBackend (dev and training environments)."""

    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    from_email = models.CharField(_("expéditeur"), max_length=320, blank=True)
    to = models.JSONField(_("destinataires"), default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=998)
    text_body = models.TextField(_("texte"), blank=True)
    html_body = models.TextField(_("HTML"), blank=True)
    delivered_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("courriel de développement")
        verbose_name_plural = _("boîte aux lettres de développement")
        ordering = ["-delivered_at", "-id"]

    def __str__(self):
        return self.subject
