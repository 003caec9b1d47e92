from django.contrib import admin

from kiosque.professionals.models import ProfessionalEstablishment, ProfessionalProfile


class EstablishmentInline(admin.TabularInline):
    model = ProfessionalEstablishment
    extra = 0
    raw_id_fields = ("establishment",)


@admin.register(ProfessionalProfile)
class ProfessionalProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "profession", "rpps", "adeli", "created_at")
    search_fields = ("user__username", "user__last_name", "user__email", "rpps", "adeli")
    list_filter = ("profession",)
    raw_id_fields = ("user",)
    inlines = [EstablishmentInline]
