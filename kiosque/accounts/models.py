from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: health professional, reviewer or referent.

    `username` is the login built from the names (`ndupont`); `email` is the
    authentication e-mail. The professional profile lives beside it.
    """

    email = models.EmailField(_("mail pour l'authentification"), blank=True, db_index=True)

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip() or self.username
