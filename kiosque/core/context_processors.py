from django.conf import settings
from django.utils.translation import gettext_lazy as _

ENV_BANNERS = {
    "dev": _("Environnement de développement"),
    "formation": _("Base de formation"),
}


def platform(request):
    return {
        "platform_name": settings.KIOSQUE_PLATFORM_NAME,
        "kiosque_env": settings.KIOSQUE_ENV,
        "env_banner": ENV_BANNERS.get(settings.KIOSQUE_ENV),
        "dev_mailbox_enabled": settings.KIOSQUE_DEV_MAILBOX,
    }
