from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kiosque.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from kiosque.accounts import roles

        m2m_changed.connect(
            roles.forget_roles,
            sender=get_user_model().groups.through,
            dispatch_uid="kiosque.accounts.roles",
        )
