from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    name = "kiosque.oidc"
    label = "oidc"
    verbose_name = _("Authentification unique (OpenID Connect)")

    def ready(self):
        import logging

        # oauthlib and the toolkit log tokens, codes and redirect URIs at DEBUG: never
        # let a DEBUG log level of the deployment write them out.
        for name in ("oauthlib", "oauth2_provider"):
            logger = logging.getLogger(name)
            if logger.level < logging.INFO:
                logger.setLevel(logging.INFO)
        from kiosque.oidc import receivers  # noqa: F401 (connects the signal receivers)
