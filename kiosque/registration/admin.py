"""A read-only view of the registration requests; the review queue comes with its own pages."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kiosque.registration.flows.duplicates import reason_labels
from kiosque.registration.models import RegistrationRequest, RequestedEstablishment


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequestedEstablishmentInline(ReadOnlyMixin, admin.TabularInline):
    model = RequestedEstablishment
    extra = 0
    fields = (
        "position",
        "finess",
        "name",
        "postal_code",
        "city",
        "not_listed",
        "function",
        "service",
    )
    readonly_fields = fields


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "status",
        "display_name",
        "profession",
        "probable_duplicate",
        "email_auth",
    )
    list_filter = ("status", "probable_duplicate", "profession")
    search_fields = ("last_name", "birth_name", "first_name", "email_auth", "rpps")
    date_hierarchy = "created_at"
    inlines = [RequestedEstablishmentInline]
    readonly_fields = ("duplicate_reason_labels",)
    fieldsets = (
        (
            None,
            {"fields": ("status", "created_at", "probable_duplicate", "duplicate_reason_labels")},
        ),
        (
            _("Informations personnelles"),
            {
                "fields": (
                    "profession",
                    "specialty",
                    "foreign_diploma",
                    "rpps",
                    "rpps_verified",
                    "directory_check",
                    "adeli",
                    "cpx_number",
                    "title",
                    "civility",
                    "last_name",
                    "birth_name",
                    "first_name",
                    "birth_date",
                )
            },
        ),
        (
            _("Contacts"),
            {
                "fields": (
                    "phone_professional",
                    "phone_mobile",
                    "email_auth",
                    "email_communication",
                )
            },
        ),
        (
            _("Précisez vos centres d'intérêt"),
            {"fields": ("interest_applications", "interest_communities")},
        ),
        (_("Envoi"), {"fields": ("submitted_ip", "user_agent")}),
    )

    @admin.display(description=_("motifs de doublon"))
    def duplicate_reason_labels(self, obj):
        return " ; ".join(reason_labels(obj.duplicate_reasons)) or "—"
