"""The applicant answers a request for information through the single-use link of the e-mail:
the corrected request goes back to the review queue (checked again for duplicates)."""

from django.db import transaction
from django.utils import timezone

from kiosque.audit.services import AuditAction, record
from kiosque.registration.flows.duplicates import Applicant, duplicate_reasons
from kiosque.registration.flows.request_info import token_hash
from kiosque.registration.models import RegistrationRequest, RegistrationStatus, name_keys

IDENTITY_FIELDS = (
    "profession",
    "specialty",
    "foreign_diploma",
    "rpps",
    "adeli",
    "cpx_number",
    "title",
    "civility",
    "last_name",
    "birth_name",
    "first_name",
    "birth_date",
)
CONTACT_FIELDS = ("phone_professional", "phone_mobile", "email_auth", "email_communication")
MAX_TOKEN_LENGTH = 100


class LinkNoLongerValid(Exception):
    """The link was already used, has expired, or the request was decided meanwhile."""


def find_by_token(token: str) -> RegistrationRequest | None:
    """The request waiting for this link's answer, or None (unknown, used or expired link)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        RegistrationRequest.objects.filter(
            correction_token_hash=token_hash(token),
            status=RegistrationStatus.INFO_REQUESTED,
            correction_token_expires_at__gt=timezone.now(),
        )
        .select_related("profession", "specialty", "title", "civility")
        .first()
    )


def _clean_values(identity: dict, contacts: dict) -> dict:
    values = {name: identity.get(name) for name in IDENTITY_FIELDS}
    values.update({name: contacts.get(name) for name in CONTACT_FIELDS})
    for name in ("rpps", "adeli", "cpx_number", "phone_professional", "email_communication"):
        values[name] = values[name] or ""
    values["foreign_diploma"] = bool(values["foreign_diploma"])
    return values


def _still_verified(registration: RegistrationRequest, values: dict) -> bool:
    """Pro Santé Connect's verification holds only for the identifier and names it gave (the
    correction page locks them; a caller changing them drops the mark)."""
    return registration.rpps_verified and all(
        values.get(name, getattr(registration, name)) == getattr(registration, name)
        for name in ("rpps", "adeli", "last_name", "first_name")
    )


def apply_correction(
    registration: RegistrationRequest,
    token: str,
    *,
    identity: dict,
    contacts: dict,
    answer: str,
    directory_check: dict | None = None,
    request=None,
) -> RegistrationRequest:
    """Store the corrected request and put it back in the queue; the link is then spent."""
    values = _clean_values(identity, contacts)
    applicant = Applicant(
        rpps=values["rpps"],
        email_auth=values["email_auth"],
        last_name=values["last_name"],
        birth_name=values["birth_name"],
        first_name=values["first_name"],
        birth_date=values["birth_date"],
        exclude_pk=registration.pk,
    )
    with transaction.atomic():
        reasons = duplicate_reasons(applicant)
        updated = RegistrationRequest.objects.filter(
            pk=registration.pk,
            status=RegistrationStatus.INFO_REQUESTED,
            correction_token_hash=token_hash(token),
            correction_token_expires_at__gt=timezone.now(),
        ).update(
            status=RegistrationStatus.PENDING,
            correction_token_hash="",
            correction_token_expires_at=None,
            decided_by=None,
            decided_at=None,
            applicant_answer=(answer or "").strip(),
            probable_duplicate=bool(reasons),
            duplicate_reasons=reasons,
            directory_check=directory_check or {},
            rpps_verified=_still_verified(registration, values),
            updated_at=timezone.now(),
            **values,
            **name_keys(values),
        )
        if not updated:
            raise LinkNoLongerValid
        registration.refresh_from_db()
        record(
            AuditAction.REGISTRATION_CORRECTED,
            request=request,
            actor=None,
            target=registration,
            context={"probable_duplicate": bool(reasons), "duplicate_reasons": reasons},
        )
    return registration
