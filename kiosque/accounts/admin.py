from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kiosque.accounts.models import ConnectionAttempt, User
from kiosque.accounts.views.login import admin_login

# Staff sign in to the admin through the staged sign-in (password, second factor).
admin.site.login = admin_login


@admin.register(User)
class KiosqueUserAdmin(UserAdmin):
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_staff")
    search_fields = ("username", "last_name", "first_name", "email")
    fieldsets = (
        *UserAdmin.fieldsets,
        (
            _("Sécurité du compte"),
            {
                "fields": (
                    "password_changed_at",
                    "must_change_password",
                    "must_change_reason",
                    "temporary_password_expires_at",
                    "is_locked",
                    "locked_until",
                    "lock_reason",
                    "deactivated_at",
                )
            },
        ),
    )
    readonly_fields = ("password_changed_at",)


@admin.register(ConnectionAttempt)
class ConnectionAttemptAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "outcome", "second_factor", "ip_address", "browser")
    list_filter = ("outcome",)
    search_fields = ("user__username",)
    readonly_fields = [f.name for f in ConnectionAttempt._meta.fields]
