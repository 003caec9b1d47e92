"""Create the user and their professional profile from a registration request.

Runs inside the caller's transaction (the approval, with its credentials e-mail): if anything
fails, no account exists and the request is still pending.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from kiosque.professionals.flows import temporary_password
from kiosque.professionals.logins import login_candidates
from kiosque.professionals.models import ProfessionalEstablishment, ProfessionalProfile

ESTABLISHMENT_FIELDS = (
    "position",
    "establishment_id",
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


class LoginUnavailable(Exception):
    """Every candidate login is taken (never expected: a thousand namesakes)."""


@dataclass(frozen=True)
class ProvisionedAccount:
    user: object
    profile: ProfessionalProfile
    credentials: temporary_password.TemporaryPassword


def create_user_with_unique_login(*, first_name: str, last_name: str, email: str):
    """A new user under the first free login (ndupont, n2dupont, ...).

    Two validations of namesakes at the same moment may pick the same candidate: the unique
    constraint refuses the second insert, which rolls back its savepoint and tries the next.
    """
    users = get_user_model()._default_manager
    for login in login_candidates(first_name, last_name):
        if users.filter(username__iexact=login).exists():
            continue
        try:
            with transaction.atomic():
                user = users.model(
                    username=login, first_name=first_name, last_name=last_name, email=email
                )
                user.set_unusable_password()
                user.save()
                return user
        except IntegrityError:
            continue
    raise LoginUnavailable(f"no free login for {first_name} {last_name}")


def create_profile(user, registration) -> ProfessionalProfile:
    profile = ProfessionalProfile.objects.create(
        user=user,
        rpps=registration.rpps,
        adeli=registration.adeli,
        cpx_number=registration.cpx_number,
        profession_id=registration.profession_id,
        specialty_id=registration.specialty_id,
        foreign_diploma=registration.foreign_diploma,
        title_id=registration.title_id,
        civility_id=registration.civility_id,
        birth_name=registration.birth_name,
        birth_date=registration.birth_date,
        phone_professional=registration.phone_professional,
        phone_mobile=registration.phone_mobile,
        email_communication=registration.email_communication,
        rpps_verified=registration.rpps_verified,
        registration_request_id=registration.pk,
    )
    ProfessionalEstablishment.objects.bulk_create(
        ProfessionalEstablishment(
            profile=profile, **{name: getattr(place, name) for name in ESTABLISHMENT_FIELDS}
        )
        for place in registration.establishments.order_by("position")
    )
    return profile


def provision_account(registration, *, request=None) -> ProvisionedAccount:
    """The user (unique login, temporary password) and the profile of a validated request."""
    user = create_user_with_unique_login(
        first_name=registration.first_name,
        last_name=registration.last_name,
        email=registration.email_auth,
    )
    profile = create_profile(user, registration)
    issued = temporary_password.issue(user, request=request)
    return ProvisionedAccount(user=user, profile=profile, credentials=issued)
