from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kiosque.core"
    label = "core"
    verbose_name = _("Socle")

    def ready(self):
        from django.test.signals import setting_changed

        from kiosque.core.context_processors import forget_layout_fragments
        from kiosque.core.ratelimit import check_rate_settings

        checks.register(check_rate_settings)
        setting_changed.connect(forget_layout_fragments, dispatch_uid="kiosque.layout_fragments")
