from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kiosque.accounts"
    label = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import m2m_changed

        from kiosque.accounts import receivers, roles

        m2m_changed.connect(
            roles.forget_roles,
            sender=get_user_model().groups.through,
            dispatch_uid="kiosque.accounts.roles",
        )
        user_login_failed.connect(receivers.login_failed, dispatch_uid="kiosque.accounts.failed")
        user_logged_in.connect(receivers.logged_in, dispatch_uid="kiosque.accounts.logged_in")
