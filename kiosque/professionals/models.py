"""The professional profile of a user: identifiers, profession, identity, contacts, places of
practice. Created from a validated registration request (flows/provision.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProfessionalProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="professional_profile",
    )
    rpps = models.CharField(_("N° RPPS"), max_length=11, blank=True, db_index=True)
    adeli = models.CharField(_("N° ADELI"), max_length=9, blank=True, db_index=True)
    cpx_number = models.CharField(_("N° carte CPx"), max_length=10, blank=True)
    profession = models.ForeignKey(
        "directory.Profession",
        verbose_name=_("profession"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    specialty = models.ForeignKey(
        "directory.Specialty",
        verbose_name=_("spécialité professionnelle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    foreign_diploma = models.BooleanField(_("diplôme étranger"), default=False)
    title = models.ForeignKey(
        "directory.Title",
        verbose_name=_("titre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    civility = models.ForeignKey(
        "directory.Civility",
        verbose_name=_("civilité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    birth_name = models.CharField(_("nom de naissance"), max_length=100, blank=True)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    phone_professional = models.CharField(_("téléphone professionnel"), max_length=20, blank=True)
    phone_mobile = models.CharField(_("téléphone mobile"), max_length=20, blank=True)
    email_communication = models.EmailField(_("mail pour la communication"), blank=True)
    rpps_verified = models.BooleanField(_("RPPS vérifié"), default=False)
    # The request the account was created from (kept as an id: requests may be purged).
    registration_request_id = models.BigIntegerField(
        _("demande d'inscription"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil professionnel")
        verbose_name_plural = _("profils professionnels")
        indexes = [models.Index(fields=["birth_date"], name="professionals_birth_date_idx")]

    def __str__(self):
        return f"{self.user} ({self.profession_id})"

    @property
    def national_id(self) -> str:
        """The identifier Pro Santé Connect sends as SubjectNameID (8+RPPS, 0+ADELI)."""
        if self.rpps:
            return "8" + self.rpps
        if self.adeli:
            return "0" + self.adeli
        return ""

    @property
    def verified_rpps(self) -> str:
        """The RPPS that was checked: by a reviewer who validated the registration request
        the profile was created from, or by Pro Santé Connect at registration; else ""."""
        if self.rpps and (self.rpps_verified or self.registration_request_id is not None):
            return self.rpps
        return ""


class ProfessionalEstablishment(models.Model):
    """A place of practice: a FINESS site (name and address copied) or a typed address."""

    profile = models.ForeignKey(
        ProfessionalProfile,
        verbose_name=_("profil"),
        on_delete=models.CASCADE,
        related_name="establishments",
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=1)
    establishment = models.ForeignKey(
        "directory.Establishment",
        verbose_name=_("établissement FINESS"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    not_listed = models.BooleanField(_("non référencé"), default=False)
    finess = models.CharField(_("FINESS géographique"), max_length=9, blank=True, db_index=True)
    name = models.CharField(_("nom de l'établissement"), max_length=200)
    street = models.CharField(_("rue"), max_length=200, blank=True)
    po_box = models.CharField(_("boîte postale"), max_length=50, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    cedex = models.CharField(_("cedex"), max_length=20, blank=True)
    departement = models.CharField(_("département"), max_length=80, blank=True)
    country = models.CharField(_("pays"), max_length=60, blank=True)
    function = models.CharField(_("type de fonction"), max_length=100, blank=True)
    service = models.CharField(_("service d'exercice"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("établissement d'exercice")
        verbose_name_plural = _("établissements d'exercice")
        ordering = ["profile", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "position"], name="professionals_establishment_position"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.finess})" if self.finess else self.name


class PscLink(models.Model):
    """The Pro Santé Connect identity linked to an account: PSC's SubjectNameID, which is
    "8" + the account's verified RPPS when the link was made (never an e-mail).

    An unlinked account keeps its row with `unlinked_at` set, so a later PSC sign-in does
    not link it again behind the professional's back: they link it again from "Mon compte".
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="psc_link",
    )
    subject = models.CharField(_("identifiant national PSC"), max_length=20, unique=True)
    linked_at = models.DateTimeField(_("associé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    unlinked_at = models.DateTimeField(_("dissocié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("association Pro Santé Connect")
        verbose_name_plural = _("associations Pro Santé Connect")

    def __str__(self):
        return f"{self.user} ({self.subject})"

    @property
    def active(self) -> bool:
        return self.unlinked_at is None


class PscSession(models.Model):
    """A Kiosque session opened (or stepped up) by a Pro Santé Connect sign-in, so that PSC's
    back-channel logout (its `sid`, or its `sub`) ends it."""

    user_session = models.OneToOneField(
        "accounts.UserSession", on_delete=models.CASCADE, related_name="psc_session"
    )
    psc_sid = models.CharField(max_length=255, blank=True, db_index=True)
    psc_sub = models.CharField(max_length=255, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("session ouverte par Pro Santé Connect")
        verbose_name_plural = _("sessions ouvertes par Pro Santé Connect")

    def __str__(self):
        return f"{self.user_session_id} ({self.psc_sub})"
