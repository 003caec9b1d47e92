"""Second factors: codes sent by mail and TOTP authenticator apps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailedCode(models.Model):
    """One code sent by mail, stored as a keyed hash (see kiosque.mfa.verification)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mailed_codes"
    )
    purpose = models.CharField(_("usage"), max_length=32)
    # A keyed hash of what the code was asked for (a sign-in attempt): it completes only that.
    attempt_hash = models.CharField(max_length=64, blank=True, default="")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("envoyé le"))
    expires_at = models.DateTimeField(_("expire le"))
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code envoyé par mail")
        verbose_name_plural = _("codes envoyés par mail")
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self):
        return f"{self.purpose} {self.user_id} {self.created_at:%Y-%m-%d %H:%M:%S}"


class TOTPDevice(models.Model):
    """A confirmed TOTP authenticator (RFC 6238); the secret is encrypted at rest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_devices"
    )
    name = models.CharField(_("nom"), max_length=64)
    encrypted_secret = models.TextField(editable=False)
    created_at = models.DateTimeField(_("date"))
    # The last accepted time step: a code is accepted once only (see flows.totp_login).
    last_used_step = models.BigIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("application OTP")
        verbose_name_plural = _("applications OTP")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="mfa_totp_unique_name_per_user")
        ]

    def __str__(self):
        return self.name


class Passkey(models.Model):
    """A WebAuthn credential (passkey or security key) registered by a user.

    Only the public key is kept; the private key never leaves the authenticator.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(_("nom"), max_length=64)
    # The raw credential id (WebAuthn §6.1: at most 1023 bytes).
    credential_id = models.BinaryField(_("identifiant de la clé"), max_length=1023, unique=True)
    public_key = models.BinaryField(_("clé publique"), editable=False)
    # The WebAuthn user.id given to the authenticator (checked against userHandle).
    user_handle = models.BinaryField(max_length=64, editable=False)
    sign_count = models.PositiveBigIntegerField(_("compteur de signatures"), default=0)
    transports = models.JSONField(_("transports"), default=list, blank=True)
    aaguid = models.CharField(_("modèle d'authentificateur (AAGUID)"), max_length=36, blank=True)
    # Backup eligible (synced passkey): "swk" in RFC 8176 terms; device-bound: "hwk".
    backup_eligible = models.BooleanField(_("synchronisable"), default=False)
    created_at = models.DateTimeField(_("date"))
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("clé d'accès")
        verbose_name_plural = _("clés d'accès")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"], name="mfa_passkey_unique_name_per_user"
            )
        ]

    def __str__(self):
        return self.name
