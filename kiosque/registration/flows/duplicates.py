"""Is a new request probably a duplicate? Each check names its reasons; the review issue may
append checks (RPPS of an account once accounts hold one, Pro Santé Connect identities...).

The applicant is never told: the request is stored and flagged for the reviewer.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kiosque.registration.models import ACTIVE_STATUSES, RegistrationRequest, name_keys

REASON_LABELS = {
    "rpps_request": _("même N° RPPS qu'une demande en cours ou validée"),
    "email_account": _("même mail pour l'authentification qu'un compte existant"),
    "email_request": _("même mail pour l'authentification qu'une demande en cours ou validée"),
    "name_birth_date": _(
        "mêmes nom, prénom et date de naissance qu'une demande en cours ou validée"
    ),
}


@dataclass(frozen=True)
class Applicant:
    rpps: str
    email_auth: str
    last_name: str
    birth_name: str
    first_name: str
    birth_date: date | None
    exclude_pk: int | None = None


def _active_requests(applicant: Applicant):
    requests = RegistrationRequest.objects.filter(status__in=ACTIVE_STATUSES)
    if applicant.exclude_pk is not None:
        requests = requests.exclude(pk=applicant.exclude_pk)
    return requests


def same_rpps(applicant: Applicant) -> list[str]:
    if applicant.rpps and _active_requests(applicant).filter(rpps=applicant.rpps).exists():
        return ["rpps_request"]
    return []


def same_authentication_email(applicant: Applicant) -> list[str]:
    reasons = []
    if get_user_model().objects.filter(email__iexact=applicant.email_auth).exists():
        reasons.append("email_account")
    if _active_requests(applicant).filter(email_auth__iexact=applicant.email_auth).exists():
        reasons.append("email_request")
    return reasons


def same_name_and_birth_date(applicant: Applicant) -> list[str]:
    """Same first name, one of the two last names in common, same birth date; names compared
    on their keys (case, accents and look-alike letters folded), in one indexed query."""
    if applicant.birth_date is None:
        return []
    keys = name_keys(
        {
            "last_name": applicant.last_name,
            "birth_name": applicant.birth_name,
            "first_name": applicant.first_name,
        }
    )
    names = {keys["last_name_key"], keys["birth_name_key"]} - {""}
    same = _active_requests(applicant).filter(
        Q(last_name_key__in=names) | Q(birth_name_key__in=names),
        birth_date=applicant.birth_date,
        first_name_key=keys["first_name_key"],
    )
    return ["name_birth_date"] if same.exists() else []


CHECKS: list[Callable[[Applicant], list[str]]] = [
    same_rpps,
    same_authentication_email,
    same_name_and_birth_date,
]


def duplicate_reasons(applicant: Applicant) -> list[str]:
    return [reason for check in CHECKS for reason in check(applicant)]


def reason_labels(reasons: list[str]) -> list[str]:
    return [str(REASON_LABELS.get(reason, reason)) for reason in reasons]
