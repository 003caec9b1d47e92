"""Probable duplicates of a request, shown to the reviewer with links: other requests and
existing accounts with the same RPPS, the same authentication e-mail, or the same names and
birth date.

Two names are the same when they share one of their forms (`name_forms`, the one rule of this
search): the folded form (case, accents, spaces and punctuation ignored: "Le Goff" is
"LEGOFF") or the duplicate-search key of the registration (`registration.fields.name_key`,
look-alike letters folded as well by the UTS #39 skeleton: "DUРONT" with a Cyrillic Р is
"DUPONT"), the key the registration's own check compares in its indexed columns."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kiosque.professionals.logins import fold
from kiosque.professionals.models import ProfessionalProfile
from kiosque.registration.fields import name_key
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


def name_forms(*values: str) -> set[tuple[str, str]]:
    """The forms names are compared on: two names are the same if they share one."""
    forms = set()
    for value in values:
        if value:
            forms |= {("folded", fold(value)), ("key", name_key(value))}
    return forms - {("folded", ""), ("key", "")}


def _same_person(registration, first_name: str, *last_names: str) -> bool:
    return bool(name_forms(first_name) & name_forms(registration.first_name)) and bool(
        name_forms(registration.last_name, registration.birth_name) & name_forms(*last_names)
    )


def _by(rows, key) -> dict:
    """Rows grouped by `key`, keeping their order."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups


def _email_keys(registrations) -> list:
    # Compared as UPPER(...) = UPPER(...) by the database, as `iexact` does (and served by the
    # UPPER(email) indexes on PostgreSQL): no Python case folding that could disagree with it.
    return [Upper(Value(email)) for email in {r.email_auth for r in registrations}]


def _request_candidates(registrations) -> list:
    """Every request sharing an RPPS, an authentication e-mail or a birth date with one of
    `registrations` (these included), newest first, with its upper-cased e-mail."""
    rpps = {r.rpps for r in registrations if r.rpps}
    birth_dates = {r.birth_date for r in registrations if r.birth_date}
    condition = Q(email_key__in=_email_keys(registrations))
    if rpps:
        condition |= Q(rpps__in=rpps)
    if birth_dates:
        condition |= Q(birth_date__in=birth_dates)
    return list(
        RegistrationRequest.objects.annotate(email_key=Upper("email_auth"))
        .filter(condition)
        .order_by(*RegistrationRequest._meta.ordering)
    )


def _request_duplicates(registration, email_key, candidates) -> dict[int, Duplicate]:
    found: dict[int, Duplicate] = {}

    def add(other, reason):
        if other.pk == registration.pk:
            return
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
        for other in candidates["rpps"].get(registration.rpps, ()):
            add(other, SAME_RPPS)
    for other in candidates["email"].get(email_key, ()):
        add(other, SAME_EMAIL)
    if registration.birth_date:
        for other in candidates["birth_date"].get(registration.birth_date, ()):
            if _same_person(registration, other.first_name, other.last_name, other.birth_name):
                add(other, SAME_NAME_BIRTH_DATE)
    return found


def _account_candidates(registrations) -> dict:
    rpps = {r.rpps for r in registrations if r.rpps}
    birth_dates = {r.birth_date for r in registrations if r.birth_date}
    profiles = []
    if rpps or birth_dates:
        profiles = list(
            ProfessionalProfile.objects.filter(Q(rpps__in=rpps) | Q(birth_date__in=birth_dates))
            .select_related("user")
            .order_by("pk")
        )
    users = (
        get_user_model()
        ._default_manager.annotate(email_key=Upper("email"))
        .filter(email_key__in=_email_keys(registrations))
        .order_by("pk")
    )
    return {
        "rpps": _by((p for p in profiles if p.rpps), lambda p: p.rpps),
        "email": _by(users, lambda user: user.email_key),
        "birth_date": _by((p for p in profiles if p.birth_date), lambda p: p.birth_date),
    }


def _account_duplicates(registration, email_key, candidates) -> dict[int, Duplicate]:
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
        for profile in candidates["rpps"].get(registration.rpps, ()):
            add(profile.user, SAME_RPPS)
    for user in candidates["email"].get(email_key, ()):
        add(user, SAME_EMAIL)
    if registration.birth_date:
        for profile in candidates["birth_date"].get(registration.birth_date, ()):
            user = profile.user
            if _same_person(registration, user.first_name, user.last_name, profile.birth_name):
                add(user, SAME_NAME_BIRTH_DATE)
    return found


def find_duplicates_for(registrations) -> dict[int, list[Duplicate]]:
    """The probable duplicates of each of `registrations` (by primary key), in three queries
    whatever their number: the review queue shows a page of them."""
    registrations = list(registrations)
    if not registrations:
        return {}
    requests = _request_candidates(registrations)
    # Each request matches its own e-mail: its upper-cased form, as the database computes it.
    email_keys = {other.pk: other.email_key for other in requests}
    request_groups = {
        "rpps": _by((other for other in requests if other.rpps), lambda other: other.rpps),
        "email": _by(requests, lambda other: other.email_key),
        "birth_date": _by(
            (other for other in requests if other.birth_date), lambda other: other.birth_date
        ),
    }
    account_groups = _account_candidates(registrations)
    found = {}
    for registration in registrations:
        # A request deleted meanwhile is missing from `requests`: it matches no e-mail then.
        email_key = email_keys.get(registration.pk)
        found[registration.pk] = [
            *_request_duplicates(registration, email_key, request_groups).values(),
            *_account_duplicates(registration, email_key, account_groups).values(),
        ]
    return found


def find_duplicates(registration) -> list[Duplicate]:
    return find_duplicates_for([registration])[registration.pk]
