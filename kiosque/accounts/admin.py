from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from kiosque.accounts.models import User


@admin.register(User)
class KiosqueUserAdmin(UserAdmin):
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_staff")
    search_fields = ("username", "last_name", "first_name", "email")
