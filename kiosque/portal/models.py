from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Application(models.Model):
    """A regional application reached from the portal (DCC, Sphere, ROR, Madis...)."""

    slug = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    long_name = models.CharField(_("nom complet"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    tile = models.CharField(
        _("image de la tuile"),
        max_length=200,
        blank=True,
        help_text=_("Chemin d'un fichier statique, par exemple portal/tiles/dcc.svg"),
    )
    launch_url = models.URLField(_("adresse de lancement"), blank=True)
    requires_request = models.BooleanField(_("accès sur demande"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    referents = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("référents"),
        blank=True,
        related_name="referent_of",
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name
