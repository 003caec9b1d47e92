from django.utils.translation import gettext_lazy as _

from kiosque.core import app_settings
from kiosque.mail import app_settings as mail_settings

ENV_BANNERS = {
    "dev": _("Environnement de développement"),
    "formation": _("Base de formation"),
}


def platform(request):
    return {
        "platform_name": app_settings.PLATFORM_NAME,
        "kiosque_env": app_settings.ENV,
        "env_banner": ENV_BANNERS.get(app_settings.ENV),
        "dev_mailbox_enabled": mail_settings.DEV_MAILBOX,
    }
