"""Probable duplicates of a request, shown to the reviewer with links: other requests and
existing accounts with the same RPPS, the same authentication e-mail, or the same names and
birth date."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kiosque.professionals.logins import fold
from kiosque.professionals.models import ProfessionalProfile
from kiosque.registration.models import RegistrationRequest

SAME_RPPS = _("même N° RPPS")
SAME_EMAIL = _("même mail pour l'authentification")
SAME_NAME_BIRTH_DATE = _("mêmes nom, prénom et date de naissance")


@dataclass
class Duplicate:
    kind: str  # "request" or "account"
    label: str
    url: str
    status: str
    reasons: list[str] = field(default_factory=list)


def _names(*values: str) -> set[str]:
    return {fold(value) for value in values if value}


def _same_person(registration, first_name: str, *last_names: str) -> bool:
    return fold(first_name) == fold(registration.first_name) and bool(
        _names(registration.last_name, registration.birth_name) & _names(*last_names)
    )


def _request_duplicates(registration) -> dict[int, Duplicate]:
    others = RegistrationRequest.objects.exclude(pk=registration.pk)
    found: dict[int, Duplicate] = {}

    def add(other, reason):
        entry = found.setdefault(
            other.pk,
            Duplicate(
                kind="request",
                label=f"{other.display_name()} — {other.created_at:%d/%m/%Y}",
                url=reverse("backoffice:request_detail", args=[other.pk]),
                status=other.get_status_display(),
            ),
        )
        entry.reasons.append(str(reason))

    if registration.rpps:
        for other in others.filter(rpps=registration.rpps):
            add(other, SAME_RPPS)
    for other in others.filter(email_auth__iexact=registration.email_auth):
        add(other, SAME_EMAIL)
    if registration.birth_date:
        for other in others.filter(birth_date=registration.birth_date):
            if _same_person(registration, other.first_name, other.last_name, other.birth_name):
                add(other, SAME_NAME_BIRTH_DATE)
    return found


def _account_duplicates(registration) -> dict[int, Duplicate]:
    users = get_user_model()._default_manager
    found: dict[int, Duplicate] = {}

    def add(user, reason):
        entry = found.setdefault(
            user.pk,
            Duplicate(
                kind="account",
                label=f"{user.display_name()} ({user.get_username()})",
                url=reverse("backoffice:account_detail", args=[user.pk]),
                status=str(_("compte actif") if user.is_active else _("compte désactivé")),
            ),
        )
        entry.reasons.append(str(reason))

    if registration.rpps:
        for profile in ProfessionalProfile.objects.filter(rpps=registration.rpps).select_related(
            "user"
        ):
            add(profile.user, SAME_RPPS)
    for user in users.filter(email__iexact=registration.email_auth):
        add(user, SAME_EMAIL)
    if registration.birth_date:
        profiles = ProfessionalProfile.objects.filter(
            birth_date=registration.birth_date
        ).select_related("user")
        for profile in profiles:
            user = profile.user
            if _same_person(registration, user.first_name, user.last_name, profile.birth_name):
                add(user, SAME_NAME_BIRTH_DATE)
    return found


def find_duplicates(registration) -> list[Duplicate]:
    return [
        *_request_duplicates(registration).values(),
        *_account_duplicates(registration).values(),
    ]
