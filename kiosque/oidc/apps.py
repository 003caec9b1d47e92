from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kiosque.core import app_settings as core_settings


class OidcConfig(AppConfig):
    name = "kiosque.oidc"
    label = "oidc"
    verbose_name = _("Authentification unique (OpenID Connect)")

    def ready(self):
        import logging

        # Authlib logs tokens, codes and redirect URIs at DEBUG: never let a DEBUG log
        # level of the deployment write them out.
        for name in ("authlib",):
            logger = logging.getLogger(name)
            if logger.level < logging.INFO:
                logger.setLevel(logging.INFO)
        import os

        # Authlib refuses plain-HTTP request URIs except on localhost (its documented
        # AUTHLIB_INSECURE_TRANSPORT switch). Production is served over HTTPS; dev, test and
        # training instances may run over HTTP on any host name.
        if core_settings.ENV != "production":
            os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
        from kiosque.oidc import receivers  # noqa: F401 (connects the signal receivers)
