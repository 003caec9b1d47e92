from django.contrib import admin

from kiosque.mfa.models import Passkey


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "aaguid", "created_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("name", "user__username", "user__email", "aaguid")
    readonly_fields = (
        "user",
        "credential_id",
        "sign_count",
        "transports",
        "aaguid",
        "backup_eligible",
        "created_at",
        "last_used_at",
    )
    fields = ("name", *readonly_fields)

    def has_add_permission(self, request):
        return False  # a passkey is created only by its authenticator (Gestionnaire 2ndFA)
