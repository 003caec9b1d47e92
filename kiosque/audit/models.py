from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN_SUCCEEDED = "login.succeeded", _("Connexion réussie")
    LOGIN_FAILED = "login.failed", _("Échec de connexion")
    LOGOUT = "logout", _("Déconnexion")
    ACCOUNT_LOCKED = "account.locked", _("Compte verrouillé")
    ACCOUNT_UNLOCKED = "account.unlocked", _("Compte déverrouillé")
    ACCOUNT_CREATED = "account.created", _("Compte créé")
    ACCOUNT_DEACTIVATED = "account.deactivated", _("Compte désactivé")
    ACCOUNT_REACTIVATED = "account.reactivated", _("Compte réactivé")
    PASSWORD_CHANGED = "password.changed", _("Mot de passe modifié")
    PASSWORD_RESET_REQUESTED = "password.reset_requested", _("Réinitialisation demandée")
    PASSWORD_RESET_DONE = "password.reset_done", _("Mot de passe réinitialisé")
    MFA_CODE_SENT = "mfa.code_sent", _("Code envoyé par mail")
    MFA_VERIFIED = "mfa.verified", _("Second facteur vérifié")
    MFA_FAILED = "mfa.failed", _("Second facteur refusé")
    MFA_DEVICE_ADDED = "mfa.device_added", _("Second facteur ajouté")
    MFA_DEVICE_REMOVED = "mfa.device_removed", _("Second facteur supprimé")
    MFA_RESET = "mfa.reset", _("Seconds facteurs réinitialisés")
    REGISTRATION_SUBMITTED = "registration.submitted", _("Demande d'inscription envoyée")
    REGISTRATION_APPROVED = "registration.approved", _("Inscription validée")
    REGISTRATION_REJECTED = "registration.rejected", _("Inscription refusée")
    REGISTRATION_INFO_REQUESTED = "registration.info_requested", _("Complément demandé")
    ACCESS_REQUESTED = "access.requested", _("Demande d'accès envoyée")
    ACCESS_GRANTED = "access.granted", _("Accès accordé")
    ACCESS_REFUSED = "access.refused", _("Demande d'accès refusée")
    ACCESS_REVOKED = "access.revoked", _("Accès révoqué")
    ROLES_CHANGED = "access.roles_changed", _("Rôles modifiés")
    TOKEN_ISSUED = "oidc.token_issued", _("Jeton émis")
    TOKEN_REVOKED = "oidc.token_revoked", _("Jeton révoqué")
    MAIL_DELIVERY_FAILED = "mail.delivery_failed", _("Échec d'envoi de courriel")
    RATE_LIMITED = "security.rate_limited", _("Limite de fréquence atteinte")
    PERMISSION_DENIED = "security.permission_denied", _("Permission refusée")
    ADMIN_CHANGE = "admin.change", _("Modification dans l'administration")
    REGISTRATION_CORRECTED = "registration.corrected", _("Demande complétée par le demandeur")
    CREDENTIALS_SENT = "account.credentials_sent", _("Nouveaux identifiants envoyés")
    REVIEWER_ACTION = "backoffice.action", _("Action d'un gestionnaire de comptes")
    ACCESS_INFO_REQUESTED = "access.info_requested", _("Complément demandé sur un accès")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Succès")
    FAILURE = "failure", _("Échec")
    DENIED = "denied", _("Refusé")


class AuditReason(models.TextChoices):
    """The codes flows store as an event's context["reason"], with the label people read.

    A reason that is not one of these codes is a sentence a person typed (a reviewer's
    reason for locking an account...) and is shown as it is."""

    # Sign-in
    UNKNOWN_LOGIN = "unknown_login", _("identifiant inconnu")
    WRONG_PASSWORD = "wrong_password", _("mot de passe incorrect")
    REFUSED_STATE = "refused_state", _("compte verrouillé ou désactivé")
    LOCKED = "locked", _("compte verrouillé")
    DELAYED = "delayed", _("trop d'échecs, nouvel essai différé")
    TOO_MANY_FAILURES = "too_many_failures", _("trop d'échecs de connexion")
    # Second factor
    WRONG_CODE = "wrong_code", _("code incorrect")
    EXPIRED = "expired", _("code expiré")
    USED = "used", _("code déjà utilisé")
    TOO_MANY_ATTEMPTS = "too_many_attempts", _("trop d'essais de code")
    NO_CODE = "no_code", _("aucun code en cours")
    REPLAYED = "replayed", _("code TOTP déjà utilisé")
    NO_METHOD_AVAILABLE = "no_method_available", _("aucun second facteur utilisable")
    # Pro Santé Connect
    NO_NATIONAL_ID = "no_national_id", _("identifiant national absent")
    NO_ACCOUNT = "no_account", _("aucun compte pour ce professionnel")
    ACCOUNT_UNUSABLE = "account_unusable", _("compte inutilisable")
    PSC_NOT_VERIFIED = (
        "psc_not_verified",
        _("aucun compte au N° RPPS vérifié pour ce professionnel"),
    )
    PSC_UNLINKED = "psc_unlinked", _("Pro Santé Connect dissocié du compte")
    PSC_SUBJECT_MISMATCH = (
        "psc_subject_mismatch",
        _("Pro Santé Connect a confirmé une autre identité que le N° RPPS vérifié du compte"),
    )
    PSC_SUBJECT_TAKEN = (
        "psc_subject_taken",
        _("identité Pro Santé Connect associée à un autre compte"),
    )
    PSC_LOGOUT_TOKEN_INVALID = (
        "psc_logout_token_invalid",
        _("jeton de déconnexion Pro Santé Connect refusé"),
    )
    PSC_BACKCHANNEL = "psc_backchannel", _("déconnexion demandée par Pro Santé Connect")
    # Sign-out
    USER = "user", _("à la demande de l'utilisateur")
    TIMEOUT_IDLE = "timeout_idle", _("inactivité prolongée")
    TIMEOUT_ABSOLUTE = "timeout_absolute", _("durée maximale de session atteinte")
    ACCOUNT_REFUSED = "account_refused", _("compte devenu inutilisable")
    RP_INITIATED = "rp_initiated", _("déconnexion demandée par une application")
    BACKCHANNEL_LOGOUT = "backchannel_logout", _("applications prévenues de la déconnexion")
    # Applications
    NO_ACCESS = "no_access", _("pas d'accès à l'application")
    INVALID_CLIENT = "invalid_client", _("application cliente non reconnue")
    REFRESH_TOKEN_REPLAYED = (
        "refresh_token_replayed",
        _("jeton de rafraîchissement présenté deux fois"),
    )
    AUTHORIZATION_CODE_REPLAYED = (
        "authorization_code_replayed",
        _("code d'autorisation présenté deux fois"),
    )
    REVOCATION_ENDPOINT = (
        "revocation_endpoint",
        _("révoqué par l'application (point de révocation)"),
    )


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    outcome = models.CharField(
        _("résultat"), max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        # The event keeps the id and a snapshot even if the user row is ever deleted.
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_repr = models.CharField(_("auteur (à la date)"), max_length=200, blank=True)
    target_type = models.CharField(_("type de cible"), max_length=64, blank=True)
    target_id = models.CharField(_("cible"), max_length=64, blank=True)
    target_repr = models.CharField(_("cible (à la date)"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)
    context = models.JSONField(_("contexte"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at"]),
            models.Index(fields=["target_type", "target_id", "-created_at"]),
            models.Index(fields=["action", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.actor_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def reason_label(self) -> str:
        """The context's reason as people read it ("" when there is none)."""
        reason = self.context.get("reason") if isinstance(self.context, dict) else None
        if not reason:
            return ""
        if reason in AuditReason.values:
            return str(AuditReason(reason).label)
        return str(reason)
