"""Link or unlink Pro Santé Connect from "Mon compte", and step up to eidas1 with PSC.

A link is stored only when the SubjectNameID PSC returns equals "8" + the signed-in
user's verified RPPS; unlinking follows a re-authentication (the view checks it).
"""

from django.db import transaction
from django.utils import timezone

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.oidc import psc
from kiosque.oidc.flows import psc_login

LINKED = "linked"
MISMATCH = "mismatch"  # PSC authenticated someone else, or the RPPS is not verified
TAKEN = "taken"  # this PSC identity is linked to another account


def link(request, user, claims: dict) -> str:
    identity = psc.identity_from_claims(claims)
    expected = psc.verified_subject(user)
    if identity is None or not expected or identity.national_id != expected:
        return _refused(request, user, MISMATCH, "psc_subject_mismatch")
    from kiosque.professionals.models import PscLink

    with transaction.atomic():
        other = PscLink.objects.filter(subject=identity.national_id).exclude(user=user).first()
        if other is not None and other.active:
            return _refused(request, user, TAKEN, "psc_subject_taken")
        if other is not None:
            other.delete()
        psc.link(user, identity)
    record(
        AuditAction.MFA_DEVICE_ADDED,
        request=request,
        actor=user,
        target=user,
        context={"method": "psc", "via": "account", "subject": identity.national_id},
    )
    return LINKED


def _refused(request, user, outcome: str, reason: str) -> str:
    record(
        AuditAction.MFA_FAILED,
        request=request,
        actor=user,
        target=user,
        outcome=AuditOutcome.DENIED,
        context={"method": "psc", "reason": reason, "via": "account"},
    )
    return outcome


def unlink(request, user) -> bool:
    """End the link (the view has re-authenticated the user); False when there was none."""
    link = psc.active_link(user)
    if link is None:
        return False
    link.unlinked_at = timezone.now()
    link.save(update_fields=["unlinked_at"])
    record(
        AuditAction.MFA_DEVICE_REMOVED,
        request=request,
        actor=user,
        target=user,
        context={"method": "psc", "subject": link.subject},
    )
    return True


def step_up(request, user, claims: dict, *, id_token: str = "") -> bool:
    """PSC authenticated the identity linked to the signed-in user: the session reaches
    eidas1 (the caller completes the step-up). False, audited, otherwise."""
    identity = psc.identity_from_claims(claims)
    link = psc.active_link(user)
    expected = psc.verified_subject(user)
    if (
        identity is None
        or link is None
        or identity.national_id != link.subject
        or identity.national_id != expected
    ):
        record(
            AuditAction.MFA_FAILED,
            request=request,
            actor=user,
            target=user,
            outcome=AuditOutcome.DENIED,
            context={"method": "psc", "reason": "psc_subject_mismatch", "via": "step_up"},
        )
        return False
    record(
        AuditAction.MFA_VERIFIED,
        request=request,
        actor=user,
        target=user,
        context={"method": "psc", "via": "step_up"},
    )
    request.session[psc_login.signins.PSC_AMR_SESSION_KEY] = identity.amr
    psc_login.remember_psc_session(request, identity, id_token)
    return True
