from django.contrib import admin

from kiosque.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "outcome", "actor_repr", "target_repr", "ip_address")
    list_filter = ("action", "outcome", "created_at")
    search_fields = ("actor_repr", "target_repr", "target_id", "ip_address")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_select_related = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
