"""Sending the request: store it (flagged when it looks like a duplicate), queue the
confirmation e-mail and write the audit event, all in one transaction.

The applicant's answer and e-mail never depend on the duplicate checks (no enumeration).
"""

from dataclasses import dataclass, field

from django.db import transaction

from kiosque.audit.services import AuditAction, record
from kiosque.core.proxy import client_ip
from kiosque.mail.services import enqueue
from kiosque.registration import psc_prefill
from kiosque.registration.flows.duplicates import Applicant, duplicate_reasons
from kiosque.registration.models import RegistrationRequest, RequestedEstablishment

CONFIRMATION_TEMPLATE = "registration/email/received"
ESTABLISHMENT_FIELDS = (
    "position",
    "establishment",
    "not_listed",
    "finess",
    "name",
    "street",
    "po_box",
    "postal_code",
    "city",
    "cedex",
    "departement",
    "country",
    "function",
    "service",
)


@dataclass
class Application:
    """The cleaned data of the wizard's steps."""

    identity: dict
    contacts: dict
    establishments: list[dict]
    directory_check: dict = field(default_factory=dict)
    interest_applications: list[str] = field(default_factory=list)
    interest_communities: list[str] = field(default_factory=list)
    # The Pro Santé Connect identity the wizard was prefilled with (registration/psc_prefill.py).
    psc_identity: dict | None = None


def _applicant(application: Application) -> Applicant:
    identity = application.identity
    return Applicant(
        rpps=identity.get("rpps") or "",
        email_auth=application.contacts["email_auth"],
        last_name=identity["last_name"],
        birth_name=identity["birth_name"],
        first_name=identity["first_name"],
        birth_date=identity.get("birth_date"),
    )


def _new_request(application: Application, reasons: list[str], request) -> RegistrationRequest:
    identity, contacts = application.identity, application.contacts
    return RegistrationRequest.objects.create(
        profession=identity["profession"],
        specialty=identity.get("specialty"),
        foreign_diploma=bool(identity.get("foreign_diploma")),
        rpps=identity.get("rpps") or "",
        adeli=identity.get("adeli") or "",
        cpx_number=identity.get("cpx_number") or "",
        title=identity.get("title"),
        civility=identity.get("civility"),
        last_name=identity["last_name"],
        birth_name=identity["birth_name"],
        first_name=identity["first_name"],
        birth_date=identity.get("birth_date"),
        phone_professional=contacts.get("phone_professional") or "",
        phone_mobile=contacts["phone_mobile"],
        email_auth=contacts["email_auth"],
        email_communication=contacts.get("email_communication") or "",
        submitted_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request else "",
        probable_duplicate=bool(reasons),
        duplicate_reasons=reasons,
        directory_check=application.directory_check,
        rpps_verified=psc_prefill.verifies(identity, application.psc_identity),
        interest_applications=list(application.interest_applications),
        interest_communities=list(application.interest_communities),
    )


def submit_registration(application: Application, *, request) -> RegistrationRequest:
    with transaction.atomic():
        reasons = duplicate_reasons(_applicant(application))
        registration = _new_request(application, reasons, request)
        RequestedEstablishment.objects.bulk_create(
            RequestedEstablishment(
                request=registration,
                **{name: establishment[name] for name in ESTABLISHMENT_FIELDS},
            )
            for establishment in application.establishments
        )
        enqueue(CONFIRMATION_TEMPLATE, to=[registration.email_auth])
        context = {
            "profession": registration.profession_id,
            "probable_duplicate": registration.probable_duplicate,
            "duplicate_reasons": reasons,
            "directory_mismatches": application.directory_check.get("mismatches", []),
            "rpps_verified": registration.rpps_verified,
        }
        if application.psc_identity:
            context["psc"] = psc_prefill.audit_context(application.psc_identity)
        record(
            AuditAction.REGISTRATION_SUBMITTED,
            request=request,
            target=registration,
            context=context,
        )
    return registration
