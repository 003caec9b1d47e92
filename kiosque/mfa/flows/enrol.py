"""Adding a TOTP authenticator: a new key, shown once, counted only once confirmed by a code.

The unconfirmed key waits in the session, encrypted like the stored ones; reloading the
page keeps the same key, so an app that already scanned it keeps working.
"""

import time

from django.db import transaction
from django.utils import timezone

from kiosque.audit.services import AuditAction, record
from kiosque.core import crypto
from kiosque.mfa import totp
from kiosque.mfa.flows import notify
from kiosque.mfa.models import TOTPDevice

SESSION_KEY = "_kiosque_mfa_enrol"


def pending_secret(request) -> str:
    """The key being enrolled in this session (a new one on first call)."""
    token = request.session.get(SESSION_KEY)
    if token:
        try:
            return crypto.decrypt(token)
        except crypto.InvalidToken:
            pass
    secret = totp.new_secret()
    request.session[SESSION_KEY] = crypto.encrypt(secret)
    return secret


def discard(request) -> None:
    request.session.pop(SESSION_KEY, None)


def confirm(request, user, *, name: str, code: str, for_time: float | None = None):
    """The device, saved, if `code` matches the pending key; None otherwise."""
    for_time = time.time() if for_time is None else for_time
    secret = pending_secret(request)
    step = totp.matching_step(secret, code, for_time=for_time)
    if step is None:
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.create(
            user=user,
            name=name,
            encrypted_secret=crypto.encrypt(secret),
            created_at=timezone.now(),
            # The enrolment code is spent: it cannot open a sign-in afterwards.
            last_used_step=step,
        )
        record(
            AuditAction.MFA_DEVICE_ADDED,
            request=request,
            actor=user,
            target=device,
            context={"type": "totp", "name": name},
        )
        notify.second_factor_changed(user, "device_added", device_name=name)
    discard(request)
    return device
