"""Ask the applicant for more information: an e-mail with the reviewer's question and a
single-use link (the token is stored hashed) to a page where they correct their request."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kiosque.audit.services import AuditAction, record
from kiosque.core import app_settings as core_settings
from kiosque.mail.services import enqueue
from kiosque.registration import app_settings
from kiosque.registration.flows.decision import claim
from kiosque.registration.models import RegistrationStatus

INFO_REQUESTED_TEMPLATE = "backoffice/email/info_requested"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_days() -> int:
    return app_settings.CORRECTION_TOKEN_DAYS


def correction_url(token: str) -> str:
    return core_settings.BASE_URL + reverse("registration:correction", args=[token])


def request_info(registration_id: int, *, by, question: str, request=None):
    """Only a pending request can be asked for more (raises AlreadyDecided otherwise)."""
    question = (question or "").strip()
    if not question:
        raise ValueError("a question is required")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    expires_at = now + timedelta(days=token_days())
    with transaction.atomic():
        registration = claim(
            registration_id,
            status=RegistrationStatus.INFO_REQUESTED,
            by=by,
            from_statuses=(RegistrationStatus.PENDING,),
            reviewer_question=question,
            info_requested_at=now,
            correction_token_hash=token_hash(token),
            correction_token_expires_at=expires_at,
        )
        enqueue(
            INFO_REQUESTED_TEMPLATE,
            to=[registration.email_auth],
            context={
                "first_name": registration.first_name,
                "last_name": registration.last_name,
                "question": question,
                "correction_url": correction_url(token),
                "expires_at": expires_at,
            },
        )
        record(
            AuditAction.REGISTRATION_INFO_REQUESTED,
            request=request,
            actor=by,
            target=registration,
        )
    return registration
