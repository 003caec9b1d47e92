from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kiosque.accounts import roles
from kiosque.portal.models import (
    AccessGrant,
    AccessRequest,
    Application,
    ApplicationRole,
    Community,
    CommunityMembership,
    RequestField,
)


def referent_scope(request) -> bool:
    """A referent (not a superuser) sees and edits only the applications they are referent of."""
    user = request.user
    return not user.is_superuser and roles.has_role(user, roles.APPLICATION_REFERENTS)


# What a referent may not change on their own application: who reviews it, whether it is
# asked for, whether it is offered at all, its code.
REFERENT_READ_ONLY = (
    "slug",
    "is_active",
    "requires_request",
    "required_level",  # the platform team's decision (issue 19)
    "referents",
    "required_communities",
)


class RequestFieldInline(admin.StackedInline):
    model = RequestField
    extra = 0
    fields = (
        ("key", "position"),
        "label",
        "help_text",
        ("kind", "required", "must_be_yes"),
        "choices",
        "prefill",
    )


class ApplicationRoleInline(admin.TabularInline):
    model = ApplicationRole
    extra = 0
    fields = ("code", "label", "position")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "requires_request", "required_level", "is_active", "position")
    list_editable = ("position",)
    list_filter = ("is_active", "requires_request")
    search_fields = ("name", "slug", "long_name")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("referents", "required_communities")
    inlines = [RequestFieldInline, ApplicationRoleInline]

    def get_queryset(self, request):
        applications = super().get_queryset(request)
        if referent_scope(request):
            return applications.filter(referents=request.user)
        return applications

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *REFERENT_READ_ONLY) if referent_scope(request) else fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if referent_scope(request) else super().get_prepopulated_fields(request, obj)

    fieldsets = (
        (None, {"fields": ("name", "slug", "long_name", "description", "is_active", "position")}),
        (
            _("Tuile et lancement"),
            {"fields": ("tile", "tile_upload", "launch_url", "initiate_login_uri")},
        ),
        (_("Authentification"), {"fields": ("required_level",)}),
        (
            _("Demande d'accès"),
            {
                "fields": (
                    "requires_request",
                    "request_title",
                    "request_note",
                    "terms_note",
                    "required_communities",
                    "referents",
                )
            },
        ),
    )


class CommunityMembershipInline(admin.TabularInline):
    model = CommunityMembership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "status", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CommunityMembershipInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Requests and grants change only through the referents' pages, which audit and e-mail."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if referent_scope(request):
            return rows.filter(application__referents=request.user)
        return rows


@admin.register(AccessRequest)
class AccessRequestAdmin(ReadOnlyAdmin):
    list_display = ("user", "application", "status", "source", "created_at", "decided_by")
    list_filter = ("status", "application", "source")
    search_fields = ("user__username", "user__last_name", "user__email")
    date_hierarchy = "created_at"


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "application", "granted_at", "granted_by", "revoked_at")
    list_filter = ("application",)
    search_fields = ("user__username", "user__last_name", "user__email")
