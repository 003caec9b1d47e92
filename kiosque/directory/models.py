"""Reference data (NOS tables, départements), establishments (FINESS) and the
Annuaire Santé extraction (practitioners and their activities)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kiosque.directory import labels

NON_HEALTH_PROFESSION_CODE = "NS"


class Profession(models.Model):
    """A profession of ANS NOS TRE_G15-ProfessionSante, plus the non-health entry "NS"."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("libellé"), max_length=120)
    is_health = models.BooleanField(_("profession de santé"), default=True)
    has_rpps = models.BooleanField(
        _("RPPS obligatoire"),
        default=False,
        help_text=_("Le numéro RPPS est demandé, sauf diplôme étranger."),
    )
    requires_specialty = models.BooleanField(_("spécialité obligatoire"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)

    class Meta:
        verbose_name = _("profession")
        verbose_name_plural = _("professions")
        ordering = ["position", "label"]

    def __str__(self):
        return labels.translated(labels.PROFESSION, self.label)


class Specialty(models.Model):
    """A specialty of ANS NOS TRE_R38-SpecialiteOrdinale (SM.. for physicians)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    profession = models.ForeignKey(
        Profession,
        verbose_name=_("profession"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="specialties",
    )

    class Meta:
        verbose_name = _("spécialité")
        verbose_name_plural = _("spécialités")
        ordering = ["label"]

    def __str__(self):
        return labels.translated(labels.SPECIALTY, self.label)


class Civility(models.Model):
    """ANS NOS TRE_R81-Civilite."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    label = models.CharField(_("libellé"), max_length=40)

    class Meta:
        verbose_name = _("civilité")
        verbose_name_plural = _("civilités")
        ordering = ["label"]

    def __str__(self):
        return labels.translated(labels.CIVILITY, self.label)


class Title(models.Model):
    """ANS NOS TRE_R11-CiviliteExercice (Docteur, Professeur...)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    label = models.CharField(_("libellé"), max_length=40)

    class Meta:
        verbose_name = _("titre")
        verbose_name_plural = _("titres")
        ordering = ["label"]

    def __str__(self):
        return labels.translated(labels.TITLE, self.label)


class Departement(models.Model):
    """A French département (INSEE code: "37", "2A", "971")."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=60)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return self.display(self.code, self.name)

    @staticmethod
    def display(code: str, name: str) -> str:
        return f"{code} - {name}"


class MssanteDomain(models.Model):
    """A mail domain of the MSSanté secure messaging space (never an authentication address)."""

    domain = models.CharField(_("domaine"), max_length=253, primary_key=True)

    class Meta:
        verbose_name = _("domaine MSSanté")
        verbose_name_plural = _("domaines MSSanté")
        ordering = ["domain"]

    def __str__(self):
        return self.domain


class Establishment(models.Model):
    """A site (FINESS géographique, ET) of the public FINESS extraction."""

    finess = models.CharField(_("FINESS géographique"), max_length=9, primary_key=True)
    finess_ej = models.CharField(_("FINESS juridique"), max_length=9, blank=True)
    name = models.CharField(_("raison sociale"), max_length=120)
    long_name = models.CharField(_("raison sociale longue"), max_length=200, blank=True)
    street_number = models.CharField(_("numéro de voie"), max_length=10, blank=True)
    street_type = models.CharField(_("type de voie"), max_length=10, blank=True)
    street = models.CharField(_("voie"), max_length=120, blank=True)
    complement = models.CharField(_("complément"), max_length=120, blank=True)
    lieu_dit = models.CharField(_("lieu-dit / boîte postale"), max_length=120, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # indexed in Meta: no extra LIKE index on PostgreSQL
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    category_code = models.CharField(_("code catégorie"), max_length=4, blank=True)
    category_label = models.CharField(_("catégorie"), max_length=120, blank=True)
    coord_x = models.FloatField(_("coordonnée X"), null=True, blank=True)
    coord_y = models.FloatField(_("coordonnée Y"), null=True, blank=True)
    coord_source = models.CharField(_("source des coordonnées"), max_length=120, blank=True)
    updated_at = models.DateField(_("mise à jour FINESS"), null=True, blank=True)
    search_key = models.CharField(_("clé de recherche"), max_length=400)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["name"]
        # Declared here rather than with db_index=True, which also adds a second
        # (varchar_pattern_ops) index on PostgreSQL: every index slows the imports.
        indexes = [
            models.Index(fields=["search_key"], name="directory_est_search_key_idx"),
            models.Index(fields=["departement"], name="directory_est_departement_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.finess})"


class EstablishmentToken(models.Model):
    """One normalised word of an establishment (name, city, postal code, FINESS).

    The autocomplete finds establishments by prefix range on `token` (indexed),
    intersecting one range per query word. On PostgreSQL the column uses the "C" collation
    (migration 0004), so a range is a byte-order prefix range and the index gives the order.
    """

    token = models.CharField(max_length=40)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="tokens", db_index=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["token", "establishment"], name="directory_token_idx"),
            models.Index(fields=["establishment", "token"], name="directory_token_est_idx"),
        ]

    def __str__(self):
        return f"{self.token} -> {self.establishment_id}"


class AnnuairePerson(models.Model):
    """A professional of the Annuaire Santé extraction (PS_LibreAcces_Personne_activite).

    `national_id` is the "Identification nationale PP" (8 + RPPS, or 0 + ADELI).
    """

    national_id = models.CharField(_("identification nationale"), max_length=20, primary_key=True)
    id_type = models.CharField(_("type d'identifiant"), max_length=2)
    identifier = models.CharField(_("identifiant PP"), max_length=20)
    civility_code = models.CharField(_("code civilité"), max_length=8, blank=True)
    title_code = models.CharField(_("code civilité d'exercice"), max_length=8, blank=True)
    last_name = models.CharField(_("nom d'exercice"), max_length=120, blank=True)
    first_name = models.CharField(_("prénom d'exercice"), max_length=120, blank=True)
    profession_code = models.CharField(_("code profession"), max_length=4, blank=True)
    profession_label = models.CharField(_("profession"), max_length=120, blank=True)
    specialty_code = models.CharField(_("code savoir-faire"), max_length=8, blank=True)
    specialty_label = models.CharField(_("savoir-faire"), max_length=200, blank=True)
    import_run = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("professionnel (Annuaire Santé)")
        verbose_name_plural = _("professionnels (Annuaire Santé)")
        ordering = ["last_name", "first_name"]
        # Every index costs on each of the 2,000,000 rows of an import: no pattern-ops
        # (LIKE) twins, none on import_run (the import compares it in bulk, never looks it up).
        indexes = [models.Index(fields=["identifier"], name="directory_person_ident_idx")]

    def __str__(self):
        return f"{self.last_name} {self.first_name} ({self.identifier})"


class AnnuaireActivity(models.Model):
    """One activity (site, mode of practice) of a professional."""

    person = models.ForeignKey(
        AnnuairePerson,
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,  # the unique (person, key) index serves the look-ups by person
    )
    key = models.CharField(max_length=40)
    mode_code = models.CharField(_("code mode d'exercice"), max_length=4, blank=True)
    mode_label = models.CharField(_("mode d'exercice"), max_length=80, blank=True)
    siret = models.CharField(_("SIRET site"), max_length=14, blank=True)
    finess_site = models.CharField(_("FINESS site"), max_length=9, blank=True)
    finess_ej = models.CharField(_("FINESS juridique"), max_length=9, blank=True)
    site_name = models.CharField(_("raison sociale site"), max_length=200, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.CharField(_("mail"), max_length=254, blank=True)
    import_run = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("activité (Annuaire Santé)")
        verbose_name_plural = _("activités (Annuaire Santé)")
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="directory_activity_unique"),
        ]
        indexes = [models.Index(fields=["finess_site"], name="directory_activity_finess_idx")]

    def __str__(self):
        return f"{self.site_name or self.finess_site} ({self.mode_label})"
