"""A referent withdraws a user's access; has_access() is False from the next call."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiosque.audit.services import AuditAction, record
from kiosque.portal.flows._common import mail_user
from kiosque.portal.models import AccessGrant
from kiosque.portal.services.referents import ensure_referent


def revoke(referent, access: AccessGrant, reason: str = "", *, request=None) -> None:
    application = access.application
    ensure_referent(referent, application)
    reason = (reason or "").strip()
    with transaction.atomic():
        updated = AccessGrant.objects.filter(pk=access.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=referent, revoke_reason=reason
        )
        if not updated:
            raise ValidationError(_("Cet accès est déjà révoqué."), code="already_revoked")
        access.refresh_from_db()
        record(
            AuditAction.ACCESS_REVOKED,
            request=request,
            actor=referent,
            target=access,
            context={"application": application.slug, "user_id": access.user_id},
        )
        mail_user("access_revoked", access.user, application, reason=reason)
