from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kiosque.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self):
        from kiosque.core.ratelimit import check_rate_settings

        checks.register(check_rate_settings)
