from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfessionalsConfig(AppConfig):
    name = "kiosque.professionals"
    label = "professionals"
    verbose_name = _("Profils professionnels")
