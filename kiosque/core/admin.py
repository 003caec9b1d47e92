from django.contrib import admin

from kiosque.core.models import JobRun, RateLimitCounter


@admin.register(RateLimitCounter)
class RateLimitCounterAdmin(admin.ModelAdmin):
    """Deleting a row lifts its limit or lock (e.g. `login.account:user:42`)."""

    list_display = ("key", "count", "last_hit_at", "locked_until", "expires_at")
    search_fields = ("key",)


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """The periodic-job ledger, read only (the worker writes it)."""

    list_display = ["name", "last_started_at", "last_finished_at", "next_run_at", "runs"]
    fields = ["name", "last_started_at", "last_finished_at", "next_run_at", "runs", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
