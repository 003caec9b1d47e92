"""Removing a TOTP authenticator from one's own account."""

from django.db import transaction

from kiosque.audit.services import AuditAction, record
from kiosque.mfa.flows import notify
from kiosque.mfa.flows.methods import staff_requires_totp
from kiosque.mfa.models import TOTPDevice


def is_last_required_device(user) -> bool:
    """Staff who must use TOTP keep at least one device (else they could not sign in)."""
    return staff_requires_totp(user) and TOTPDevice.objects.filter(user=user).count() <= 1


def remove(request, user, device: TOTPDevice) -> None:
    """The password was confirmed by the caller."""
    with transaction.atomic():
        name, pk = device.name, device.pk
        device.delete()
        record(
            AuditAction.MFA_DEVICE_REMOVED,
            request=request,
            actor=user,
            target=user,
            context={"type": "totp", "name": name, "device_id": pk},
        )
        notify.second_factor_changed(user, "device_removed", device_name=name)
