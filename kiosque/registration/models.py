"""The account-creation request of a health professional (or of a non-health staff member)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from kiosque.registration.fields import name_key


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    INFO_REQUESTED = "info_requested", _("complément demandé")
    APPROVED = "approved", _("validée")
    REJECTED = "rejected", _("refusée")


# Requests that still hold their identifiers (an RPPS, an e-mail): a new request reusing them
# is a probable duplicate. Rejected requests free them.
ACTIVE_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.INFO_REQUESTED,
    RegistrationStatus.APPROVED,
)

# Each name and the column holding its duplicate-search key (registration.fields.name_key).
NAME_KEYS = {
    "last_name": "last_name_key",
    "birth_name": "birth_name_key",
    "first_name": "first_name_key",
}
NAME_KEY_LENGTH = 300


def name_keys(values: dict) -> dict:
    """The key columns for the names among `values` (for a queryset `update()`)."""
    return {
        NAME_KEYS[name]: name_key(value)[:NAME_KEY_LENGTH]
        for name, value in values.items()
        if name in NAME_KEYS
    }


class RegistrationRequest(models.Model):
    """What the applicant typed, as sent, plus what the platform noticed (duplicates, directory).

    The history of a request is the audit log (REGISTRATION_* events target the request).
    """

    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("date de la demande"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("dernière modification"), auto_now=True)

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
    rpps = models.CharField(_("N° RPPS"), max_length=11, blank=True, db_index=True)
    adeli = models.CharField(_("N° ADELI"), max_length=9, blank=True)
    cpx_number = models.CharField(_("N° carte CPx"), max_length=10, blank=True)
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
    last_name = models.CharField(_("nom d'usage"), max_length=100)
    birth_name = models.CharField(_("nom de naissance"), max_length=100)
    first_name = models.CharField(_("prénom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    # Case-, accent- and look-alike-folded names, for the duplicate search (set by save()).
    last_name_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, editable=False)
    birth_name_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, editable=False)
    first_name_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, editable=False)

    phone_professional = models.CharField(_("téléphone professionnel"), max_length=20, blank=True)
    phone_mobile = models.CharField(_("téléphone mobile"), max_length=20)
    email_auth = models.EmailField(_("mail pour l'authentification"), db_index=True)
    email_communication = models.EmailField(_("mail pour la communication"), blank=True)

    submitted_ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)

    probable_duplicate = models.BooleanField(_("doublon probable"), default=False, db_index=True)
    duplicate_reasons = models.JSONField(_("motifs de doublon"), default=list, blank=True)
    rpps_verified = models.BooleanField(
        _("RPPS vérifié"),
        default=False,
        help_text=_("Vrai quand l'identité vient de Pro Santé Connect (carte CPS ou e-CPS)."),
    )
    directory_check = models.JSONField(
        _("comparaison avec l'Annuaire Santé"),
        default=dict,
        blank=True,
        help_text=_("Résultat de la recherche du N° RPPS dans l'Annuaire Santé à l'envoi."),
    )
    # "Précisez vos centres d'intérêt": portal slugs, turned into access requests on validation.
    interest_applications = models.JSONField(
        _("applications souhaitées"),
        default=list,
        blank=True,
        help_text=_("Une demande d'accès est ouverte pour chacune à la validation du compte."),
    )
    interest_communities = models.JSONField(_("communautés déclarées"), default=list, blank=True)

    # Review (kiosque/registration/flows/approve.py, reject.py, request_info.py).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decision_reason_code = models.CharField(_("motif de refus"), max_length=40, blank=True)
    decision_reason = models.TextField(_("motif communiqué"), blank=True)
    reviewer_question = models.TextField(_("complément demandé"), blank=True)
    info_requested_at = models.DateTimeField(_("complément demandé le"), null=True, blank=True)
    applicant_answer = models.TextField(_("réponse du demandeur"), blank=True)
    correction_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    correction_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte créé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("demande d'inscription")
        verbose_name_plural = _("demandes d'inscription")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            # Duplicate search (kiosque/backoffice) compares e-mails whatever the case.
            models.Index(Upper("email_auth"), name="registration_email_upper"),
            # ... and the birth dates (with the names), for a whole page at once: with this index
            # its one query is a BitmapOr of index scans instead of a scan of every request.
            models.Index(fields=["birth_date"], name="registration_birth_date_idx"),
            # Same names (folded, look-alikes included) and birth date, in one query.
            models.Index(fields=["first_name_key", "birth_date"], name="registration_name_key_idx"),
        ]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name} ({self.created_at:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        keys = name_keys({name: getattr(self, name) for name in NAME_KEYS})
        for column, key in keys.items():
            setattr(self, column, key)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            named = [NAME_KEYS[name] for name in update_fields if name in NAME_KEYS]
            kwargs["update_fields"] = [*update_fields, *named]
        super().save(*args, **kwargs)

    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    display_name.short_description = _("nom")

    def interest_application_names(self) -> list[str]:
        from kiosque.portal.models import Application

        return _names(Application, self.interest_applications)

    def interest_community_names(self) -> list[str]:
        from kiosque.portal.models import Community

        return _names(Community, self.interest_communities)


def _names(model, slugs) -> list[str]:
    """Names of the chosen portal objects, in the request's order (a deleted one by its slug)."""
    names = dict(model.objects.filter(slug__in=list(slugs or [])).values_list("slug", "name"))
    return [names.get(slug, slug) for slug in slugs or []]


class RequestedEstablishment(models.Model):
    """One place of practice named in a request: picked from FINESS, or typed when not listed.

    The establishment's name and address are copied so the request reads the same after a
    new FINESS import.
    """

    request = models.ForeignKey(
        RegistrationRequest,
        verbose_name=_("demande"),
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
    finess = models.CharField(_("FINESS géographique"), max_length=9, blank=True)
    name = models.CharField(_("nom de l'établissement"), max_length=200)
    street = models.CharField(_("rue"), max_length=200, blank=True)
    po_box = models.CharField(_("boîte postale"), max_length=120, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    cedex = models.CharField(_("cedex"), max_length=20, blank=True)
    departement = models.CharField(_("département"), max_length=80, blank=True)
    country = models.CharField(_("pays"), max_length=60, blank=True)
    function = models.CharField(_("type de fonction"), max_length=100, blank=True)
    service = models.CharField(_("service d'exercice"), max_length=150)

    class Meta:
        verbose_name = _("établissement demandé")
        verbose_name_plural = _("établissements demandés")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="registration_establishment_position"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.finess})" if self.finess else self.name


class UsedChallenge(models.Model):
    """A captcha challenge already presented with a solution (kiosque/registration/captcha.py):
    kept until it expires, so that a solution serves once."""

    signature = models.CharField(_("signature"), max_length=128, unique=True)
    expires_at = models.DateTimeField(_("expire le"), db_index=True)

    class Meta:
        verbose_name = _("défi anti-robot utilisé")
        verbose_name_plural = _("défis anti-robot utilisés")

    def __str__(self):
        return self.signature[:12]
