from django.contrib import admin

from kiosque.directory import models
from kiosque.directory.services.indexing import save_establishment


class ReadMostlyAdmin(admin.ModelAdmin):
    """Reference tables come from data files (migration): edit them there, not here."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Profession)
class ProfessionAdmin(ReadMostlyAdmin):
    list_display = ["code", "label", "is_health", "has_rpps", "requires_specialty", "position"]
    list_filter = ["is_health", "has_rpps"]
    search_fields = ["code", "label"]


@admin.register(models.Specialty)
class SpecialtyAdmin(ReadMostlyAdmin):
    list_display = ["code", "label", "profession"]
    list_filter = ["profession"]
    search_fields = ["code", "label"]


@admin.register(models.Civility, models.Title)
class CodeLabelAdmin(ReadMostlyAdmin):
    list_display = ["code", "label"]


@admin.register(models.Departement)
class DepartementAdmin(ReadMostlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.MssanteDomain)
class MssanteDomainAdmin(admin.ModelAdmin):
    search_fields = ["domain"]


@admin.register(models.Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["finess", "name", "postal_code", "city", "category_label", "updated_at"]
    list_filter = ["departement", "category_label"]
    search_fields = ["=finess", "name", "long_name", "city", "postal_code"]
    readonly_fields = ["search_key", "coord_x", "coord_y", "coord_source"]
    list_select_related = ["departement"]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        save_establishment(obj)


class AnnuaireActivityInline(admin.TabularInline):
    model = models.AnnuaireActivity
    fields = ["mode_label", "finess_site", "site_name", "postal_code", "city"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(models.AnnuairePerson)
class AnnuairePersonAdmin(admin.ModelAdmin):
    list_display = ["identifier", "last_name", "first_name", "profession_label", "specialty_label"]
    search_fields = ["=identifier", "last_name"]
    list_filter = ["profession_label"]
    inlines = [AnnuaireActivityInline]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False
