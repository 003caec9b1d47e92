from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kiosque.audit.services import AuditAction, record
from kiosque.mail.models import DevMailboxMessage, OutboxMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "status",
        "recipients",
        "subject",
        "attempts",
        "next_attempt_at",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "template_name", "purge_after_delivery", "created_at"]
    search_fields = ["subject", "message_id", "template_name"]
    date_hierarchy = "created_at"
    actions = ["resend_now"]
    fields = [
        "status",
        "recipients",
        "reply_to",
        "subject",
        "template_name",
        "message_id",
        "attempts",
        "next_attempt_at",
        "lease_until",
        "last_error",
        "created_at",
        "sent_at",
        "purge_after_delivery",
        "text_body_shown",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        # Viewing only; the change permission is what the "resend" action requires.
        return obj is None and request.user.has_perm("mail.change_outboxmessage")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("mail.view_outboxmessage") or request.user.has_perm(
            "mail.change_outboxmessage"
        )

    @admin.display(description=_("destinataires"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("dernière erreur"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.display(description=_("texte"))
    def text_body_shown(self, obj):
        if obj.bodies_purged or obj.purge_after_delivery:
            return _("Contenu confidentiel non affiché.")
        return obj.text_body

    @admin.action(description=_("Renvoyer maintenant"), permissions=["change"])
    def resend_now(self, request, queryset):
        failed = queryset.filter(status=OutboxMessage.Status.FAILED)
        ids = list(failed.values_list("id", flat=True))
        count = OutboxMessage.objects.filter(id__in=ids, status=OutboxMessage.Status.FAILED).update(
            status=OutboxMessage.Status.PENDING,
            next_attempt_at=timezone.now(),
            attempts=0,
            lease_until=None,
            lease_token="",
        )
        record(
            AuditAction.ADMIN_CHANGE,
            request=request,
            target_repr="mail.outboxmessage",
            context={"action": "mail.resend_now", "ids": ids[:100], "count": count},
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d courriel en échec remis en file d'envoi.",
                "%(count)d courriels en échec remis en file d'envoi.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DevMailboxMessage)
class DevMailboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["delivered_at", "subject", "to"]
    search_fields = ["subject"]
