from django.conf import settings
from django.db import models
from django.db.models import Q
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from kiosque.mfa import levels


class Community(models.Model):
    """A group of professionals (OncoCentre, GHT 18...) an application may require."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("nom"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)

    class Meta:
        verbose_name = _("communauté")
        verbose_name_plural = _("communautés")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CommunityMembership(models.Model):
    class Status(models.TextChoices):
        INTERESTED = "interested", _("intérêt déclaré")
        MEMBER = "member", _("membre")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="community_memberships",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("communauté"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.INTERESTED
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance à une communauté")
        verbose_name_plural = _("appartenances aux communautés")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="portal_unique_membership")
        ]

    def __str__(self):
        return f"{self.user} — {self.community}"


class Application(models.Model):
    """A regional application reached from the portal (DCC, Sphere, ROR, Madis...)."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    long_name = models.CharField(_("nom complet"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    request_title = models.CharField(
        _("titre de la page de demande"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « Inscription au Dossier Communicant de Cancérologie »."),
    )
    request_note = models.TextField(
        _("note avant le formulaire"),
        blank=True,
        help_text=_("Information affichée au demandeur (par exemple la note du 3C)."),
    )
    terms_note = models.CharField(
        _("mention sous le formulaire"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple l'acceptation des conditions d'utilisation."),
    )
    tile = models.CharField(
        _("image de la tuile"),
        max_length=200,
        blank=True,
        help_text=_("Chemin d'un fichier statique, par exemple portal/tiles/dcc.svg"),
    )
    tile_upload = models.FileField(
        _("image de la tuile (fichier déposé)"),
        upload_to="portal/tiles/",
        blank=True,
        help_text=_("Remplace l'image statique si elle est renseignée (SVG ou PNG)."),
    )
    launch_url = models.URLField(_("adresse de lancement"), blank=True)
    initiate_login_uri = models.URLField(
        _("adresse de connexion initiée par le portail"),
        blank=True,
        help_text=_(
            "initiate_login_uri d'OpenID Connect : la tuile y envoie l'utilisateur avec iss et "
            "target_link_uri (l'adresse de lancement), et l'application lance aussitôt sa "
            "connexion par Kiosque, pour que l'utilisateur arrive connecté. Vide : la tuile "
            "ouvre l'adresse de lancement."
        ),
    )
    requires_request = models.BooleanField(_("accès sur demande"), default=True)
    required_level = models.CharField(
        _("niveau d'authentification requis"),
        max_length=16,
        choices=levels.LEVEL_CHOICES,
        default=levels.MAIL_CODE,
        help_text=_(
            "Le moyen le plus faible avec lequel un utilisateur peut ouvrir l'application ; "
            "une session plus faible doit d'abord s'authentifier plus fortement. Voir "
            "docs/identification-levels.md."
        ),
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référents"),
        blank=True,
        related_name="referent_of",
    )
    required_communities = models.ManyToManyField(
        Community,
        verbose_name=_("communautés requises"),
        blank=True,
        related_name="applications",
        help_text=_("Le demandeur doit en être membre avant que l'accès puisse être accordé."),
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    @property
    def tile_url(self) -> str:
        if self.tile_upload:
            return self.tile_upload.url
        if self.tile:
            return static(self.tile)
        return static("portal/tiles/default.svg")

    @property
    def display_title(self) -> str:
        return self.request_title or self.long_name or self.name


class ApplicationRole(models.Model):
    """A role a referent may grant for one application (e.g. "Secrétariat 3C")."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="roles"
    )
    code = models.SlugField(_("code"), max_length=80)
    label = models.CharField(_("libellé"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)

    class Meta:
        verbose_name = _("rôle applicatif")
        verbose_name_plural = _("rôles applicatifs")
        ordering = ["application", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="portal_unique_role_code")
        ]

    def __str__(self):
        return self.label


class RequestField(models.Model):
    """One extra question of an application's access-request form."""

    class Kind(models.TextChoices):
        TEXT = "text", _("texte")
        PHONE = "phone", _("numéro de téléphone")
        CHOICE = "choice", _("choix")
        YES_NO = "yes_no", _("oui / non")

    class Prefill(models.TextChoices):
        NONE = "", _("aucun")
        PROFESSIONAL_PHONE = "professional_phone", _("téléphone professionnel du profil")
        MOBILE_PHONE = "mobile_phone", _("téléphone mobile du profil")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="request_fields",
    )
    key = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("libellé"), max_length=300)
    help_text = models.CharField(_("aide"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("obligatoire"), default=True)
    choices = models.TextField(
        _("choix"), blank=True, help_text=_("Un choix par ligne (pour le type « choix »).")
    )
    must_be_yes = models.BooleanField(
        _("réponse « Oui » exigée"),
        default=False,
        help_text=_("Pour une confirmation : la demande est refusée si la réponse est « Non »."),
    )
    prefill = models.CharField(
        _("pré-remplissage"), max_length=40, choices=Prefill.choices, blank=True, default=""
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)

    class Meta:
        verbose_name = _("champ du formulaire de demande")
        verbose_name_plural = _("champs du formulaire de demande")
        ordering = ["application", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="portal_unique_field_key")
        ]

    def __str__(self):
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class AccessRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        INFO_REQUESTED = "info_requested", _("complément demandé")
        GRANTED = "granted", _("accordée")
        REFUSED = "refused", _("refusée")

    OPEN_STATUSES = (Status.PENDING, Status.INFO_REQUESTED)

    class Source(models.TextChoices):
        PORTAL = "portal", _("portail")
        REGISTRATION = "registration", _("inscription")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandeur"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(
        _("origine"), max_length=16, choices=Source.choices, default=Source.PORTAL
    )
    answers = models.JSONField(_("réponses"), default=list, blank=True)
    message = models.TextField(
        _("message du référent"),
        blank=True,
        help_text=_("Motif du refus ou complément demandé."),
    )
    reply = models.TextField(_("réponse du demandeur"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "application"],
                condition=Q(status__in=["pending", "info_requested"]),
                name="portal_one_open_request",
            )
        ]
        indexes = [models.Index(fields=["application", "status", "-created_at"])]

    def __str__(self):
        return f"{self.user} → {self.application} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AccessGrant(models.Model):
    """A user's access to an application; `revoked_at` set means no access."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="access_grants",
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="grants"
    )
    roles = models.ManyToManyField(ApplicationRole, verbose_name=_("rôles"), blank=True)
    request = models.ForeignKey(
        AccessRequest,
        verbose_name=_("demande"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accordé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("accordé le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("révoqué par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.TextField(_("motif de la révocation"), blank=True)

    class Meta:
        verbose_name = _("accès accordé")
        verbose_name_plural = _("accès accordés")
        ordering = ["application", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="portal_unique_grant")
        ]

    def __str__(self):
        return f"{self.user} → {self.application}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class TilePreference(models.Model):
    """A user's order and favourites on "Vos applications"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tile_preferences"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)
    is_favourite = models.BooleanField(_("favori"), default=False)

    class Meta:
        verbose_name = _("préférence de tuile")
        verbose_name_plural = _("préférences de tuiles")
        constraints = [
            models.UniqueConstraint(fields=["user", "application"], name="portal_unique_tile_pref")
        ]

    def __str__(self):
        return f"{self.user} — {self.application} ({self.position})"
