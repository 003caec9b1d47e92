from django.contrib import admin

from kiosque.core.models import RateLimitCounter


@admin.register(RateLimitCounter)
class RateLimitCounterAdmin(admin.ModelAdmin):
    """Deleting a row lifts its limit or lock (e.g. `login.account:user:42`)."""

    list_display = ("key", "count", "last_hit_at", "locked_until", "expires_at")
    search_fields = ("key",)
