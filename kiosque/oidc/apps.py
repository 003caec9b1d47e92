from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "kiosque.oidc"
    label = "oidc"
    verbose_name = _("Authentification unique (OpenID Connect)")

    def ready(self):
        from kiosque.oidc import receivers  # noqa: F401 (connects the signal receivers)
