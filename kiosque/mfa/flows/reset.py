"""A reviewer resets a user's second factors (lost phone or key): the mail code remains."""

from django.db import transaction

from kiosque.audit.services import AuditAction, record
from kiosque.mfa.flows import notify
from kiosque.mfa.flows.mail_code import LOGIN_CODES
from kiosque.mfa.models import Passkey, TOTPDevice


def reset_second_factors(user, *, by, request=None) -> int:
    """Remove every TOTP device and passkey of `user` and end their pending codes; returns
    how many devices and passkeys were removed."""
    with transaction.atomic():
        names = list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True))
        passkey_names = list(Passkey.objects.filter(user=user).values_list("name", flat=True))
        TOTPDevice.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        LOGIN_CODES.revoke(user)
        record(
            AuditAction.MFA_RESET,
            request=request,
            actor=by,
            target=user,
            context={"devices_removed": len(names), "webauthn_devices_removed": len(passkey_names)},
        )
        notify.second_factor_changed(user, "reset", device_names=names, passkey_names=passkey_names)
    return len(names) + len(passkey_names)
