"""Validate a registration: the account (login, temporary password, professional profile),
the credentials e-mail and the access requests of the applicant's centres of interest are
created in the same transaction as the decision."""

from django.conf import settings
from django.db import transaction

from kiosque.audit.services import AuditAction, record
from kiosque.core import app_settings as core_settings
from kiosque.mail.services import enqueue
from kiosque.portal.flows.interests import interests_to_requests
from kiosque.professionals.flows.provision import ProvisionedAccount, provision_account
from kiosque.registration.flows.decision import claim
from kiosque.registration.models import RegistrationRequest, RegistrationStatus

CREDENTIALS_TEMPLATE = "backoffice/email/credentials"


def portal_url() -> str:
    return core_settings.BASE_URL + settings.LOGIN_URL


def enqueue_credentials(account_user, issued, *, first_account: bool):
    """The e-mail carrying the login and the temporary password, purged once delivered."""
    return enqueue(
        CREDENTIALS_TEMPLATE,
        to=[account_user.email],
        context={
            "first_name": account_user.first_name,
            "last_name": account_user.last_name,
            "login": account_user.get_username(),
            "temporary_password": issued.password,
            "expires_at": issued.expires_at,
            "portal_url": portal_url(),
            "first_account": first_account,
        },
        purge_after_delivery=True,
    )


def approve(registration_id: int, *, by, request=None) -> ProvisionedAccount:
    """Raises AlreadyDecided when the request is no longer open."""
    with transaction.atomic():
        registration = claim(registration_id, status=RegistrationStatus.APPROVED, by=by)
        account = provision_account(registration, request=request)
        RegistrationRequest.objects.filter(pk=registration.pk).update(account=account.user)
        enqueue_credentials(account.user, account.credentials, first_account=True)
        # "Précisez vos centres d'intérêt": one pending access request per chosen application.
        interests_to_requests(
            account.user,
            registration.interest_applications,
            registration.interest_communities,
            request=request,
        )
        record(
            AuditAction.REGISTRATION_APPROVED,
            request=request,
            actor=by,
            target=registration,
            context={"login": account.user.get_username(), "user_id": account.user.pk},
        )
        record(
            AuditAction.ACCOUNT_CREATED,
            request=request,
            actor=by,
            target=account.user,
            context={"registration_id": registration.pk},
        )
    return account
