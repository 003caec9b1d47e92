from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kiosque.accounts import useragent


class PasswordChangeReason(models.TextChoices):
    TEMPORARY = "temporary", _("mot de passe temporaire")
    EXPIRED = "expired", _("mot de passe expiré")
    REVIEWER = "reviewer", _("demandé par un gestionnaire")


class User(AbstractUser):
    """A person who signs in: health professional, reviewer or referent.

    `username` is the login built from the names (`ndupont`); `email` is the
    authentication e-mail. The professional profile lives beside it.
    """

    email = models.EmailField(_("mail pour l'authentification"), blank=True, db_index=True)
    password_changed_at = models.DateTimeField(_("mot de passe changé le"), null=True, blank=True)
    must_change_password = models.BooleanField(_("doit changer son mot de passe"), default=False)
    must_change_reason = models.CharField(
        _("raison du changement imposé"),
        max_length=16,
        choices=PasswordChangeReason.choices,
        blank=True,
    )
    temporary_password_expires_at = models.DateTimeField(
        _("mot de passe temporaire valable jusqu'au"), null=True, blank=True
    )
    is_locked = models.BooleanField(_("verrouillé"), default=False)
    locked_until = models.DateTimeField(_("verrouillé jusqu'au"), null=True, blank=True)
    lock_reason = models.CharField(_("raison du verrouillage"), max_length=200, blank=True)
    deactivated_at = models.DateTimeField(_("désactivé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        indexes = [
            # Sign-in finds the account by login or e-mail whatever the case (`iexact`, i.e.
            # UPPER(...) = UPPER(...) on PostgreSQL): without these, a scan of every account.
            models.Index(Upper("username"), name="accounts_user_username_upper"),
            models.Index(Upper("email"), name="accounts_user_email_upper"),
        ]

    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip() or self.username

    def lock_in_force(self, now=None) -> bool:
        """Whether a lock holds now: one fact the account rule reads (accounts.backends)."""
        now = now or timezone.now()
        return self.is_locked and (self.locked_until is None or self.locked_until > now)

    def save(self, *args, **kwargs):
        # `_password` is set by set_password() and cleared by Django for mere hash upgrades,
        # so this sees every real password change (our flows, the admin, createsuperuser).
        password_changed = self._password is not None or (
            self._state.adding and self.has_usable_password()  # create_user() hashes directly
        )
        if password_changed:
            self.password_changed_at = timezone.now()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)
        if password_changed:
            PasswordHistory.objects.create(
                user=self, password=self.password, created_at=self.password_changed_at
            )
            # Any password change invalidates every reset link issued before it.
            PasswordResetToken.objects.filter(user=self).delete()


class PasswordHistory(models.Model):
    """Hashes of the user's passwords, newest first (the current one included)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhist_user_idx")]

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class PasswordExpiryReminder(models.Model):
    """A reminder sent for one password (identified by when it was set): each is sent once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    password_changed_at = models.DateTimeField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "password_changed_at", "days_before"],
                name="accounts_reminder_once",
            )
        ]

    def __str__(self):
        return f"{self.user_id}: J-{self.days_before}"


class PasswordResetToken(models.Model):
    """A reset link. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.user_id} → {self.expires_at:%Y-%m-%d %H:%M}"


class UserSession(models.Model):
    """A signed-in session, so the user can see and end their other sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="user_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]

    def __str__(self):
        return f"{self.user_id} ({self.ip_address or '?'})"


class AttemptOutcome(models.TextChoices):
    SUCCESS = "success", _("Connexion réussie")
    WRONG_PASSWORD = "wrong_password", _("Mot de passe incorrect")
    WRONG_CODE = "wrong_code", _("Code incorrect")
    LOCKED = "locked", _("Compte verrouillé")
    REFUSED = "refused", _("Connexion refusée")


SECOND_FACTOR_LABELS = {
    "mail_code": _("Code par mail"),
    "totp": _("Application d'authentification (TOTP)"),
    "psc": _("Pro Santé Connect"),
    "passkey": _("Clé d'accès"),
}


class ConnectionAttempt(models.Model):
    """One sign-in attempt of a user, shown in "Historique des connexions" (12 months)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="connection_attempts",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    outcome = models.CharField(_("résultat"), max_length=16, choices=AttemptOutcome.choices)
    second_factor = models.CharField(_("second facteur"), max_length=32, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    browser = models.CharField(_("navigateur"), max_length=60, blank=True)
    operating_system = models.CharField(_("système"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("tentative de connexion")
        verbose_name_plural = _("tentatives de connexion")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_attempt_user_idx")]

    def __str__(self):
        return f"{self.user_id} {self.outcome} {self.created_at:%Y-%m-%d %H:%M}"

    def browser_label(self) -> str:
        return useragent.browser_label(self.browser)

    def second_factor_label(self) -> str:
        return ", ".join(
            str(SECOND_FACTOR_LABELS.get(part.strip(), part.strip()))
            for part in self.second_factor.split(",")
            if part.strip()
        )
