from django.core.cache import caches
from django.urls import get_script_prefix
from django.utils.translation import gettext_lazy as _

from kiosque.core import app_settings
from kiosque.mail import app_settings as mail_settings

ENV_BANNERS = {
    "dev": _("Environnement de développement"),
    "formation": _("Base de formation"),
}


def platform(request):
    env = app_settings.ENV
    name = app_settings.PLATFORM_NAME
    dev_mailbox = mail_settings.DEV_MAILBOX
    return {
        "platform_name": name,
        "kiosque_env": env,
        "env_banner": ENV_BANNERS.get(env),
        "dev_mailbox_enabled": dev_mailbox,
        # What the layout's `{% cache %}` fragments depend on besides the language: a
        # fragment is kept per value (with the language: `{% cache None name LANGUAGE_CODE
        # layout_key %}`), so a change of any of them is never served from an old copy.
        "layout_key": f"{env}:{dev_mailbox}:{get_script_prefix()}:{name}",
    }


def forget_layout_fragments(**kwargs) -> None:
    """A setting changed (tests only: Django's `setting_changed`): the kept fragments may
    name an address or a text of the former configuration (ROOT_URLCONF, LANGUAGES...)."""
    caches["template_fragments"].clear()
