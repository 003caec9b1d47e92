"""Refuse a registration with a reason, told to the applicant in an e-mail."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kiosque.audit.services import AuditAction, record
from kiosque.mail.services import enqueue
from kiosque.registration.flows.decision import claim
from kiosque.registration.models import RegistrationStatus

REJECTED_TEMPLATE = "backoffice/email/rejected"
OTHER = "other"
REASONS = {
    "not_eligible": _(
        "La plateforme est réservée aux professionnels exerçant dans la région et aux "
        "personnels des structures de santé partenaires."
    ),
    "identity_unverified": _(
        "Nous n'avons pas pu vérifier votre identité professionnelle (N° RPPS ou ADELI)."
    ),
    "duplicate": _("Vous disposez déjà d'un compte ou d'une demande en cours."),
    "email_not_individual": _(
        "L'adresse mail indiquée n'est pas une adresse individuelle et nominative."
    ),
    "incomplete": _("Les informations fournies sont incomplètes ou incohérentes."),
    OTHER: _("Autre motif"),
}


class InvalidReason(ValueError):
    pass


def reason_message(code: str, text: str) -> str:
    """What the applicant reads: the chosen reason, then the reviewer's words if any."""
    if code not in REASONS:
        raise InvalidReason(code)
    text = (text or "").strip()
    if code == OTHER:
        if not text:
            raise InvalidReason("a typed reason is required")
        return text
    return f"{REASONS[code]}\n{text}".strip()


def reject(registration_id: int, *, by, reason_code: str, reason_text: str = "", request=None):
    """Raises InvalidReason (nothing changed) or AlreadyDecided."""
    message = reason_message(reason_code, reason_text)
    with transaction.atomic():
        registration = claim(
            registration_id,
            status=RegistrationStatus.REJECTED,
            by=by,
            decision_reason_code=reason_code,
            decision_reason=message,
            correction_token_hash="",
            correction_token_expires_at=None,
        )
        enqueue(
            REJECTED_TEMPLATE,
            to=[registration.email_auth],
            context={
                "first_name": registration.first_name,
                "last_name": registration.last_name,
                "reason": message,
            },
        )
        record(
            AuditAction.REGISTRATION_REJECTED,
            request=request,
            actor=by,
            target=registration,
            context={"reason_code": reason_code},
        )
    return registration
