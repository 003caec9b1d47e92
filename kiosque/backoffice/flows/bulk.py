"""Validate several requests in one action: only open requests without any discordance with
the Annuaire Santé and without probable duplicates; each is approved in its own transaction."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kiosque.backoffice.flows import evidence
from kiosque.backoffice.flows.duplicates import find_duplicates_for
from kiosque.registration.flows.approve import approve
from kiosque.registration.flows.decision import OPEN_STATUSES, AlreadyDecided
from kiosque.registration.models import RegistrationRequest


@dataclass
class BulkResult:
    approved: list[tuple[RegistrationRequest, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def ineligibilities(registrations) -> dict[int, str]:
    """Why each of `registrations` cannot be validated in bulk ("" when it can), by primary
    key: a constant number of queries for a page of the queue, whatever its size."""
    registrations = list(registrations)
    reasons = {}
    pending = []
    for registration in registrations:
        if registration.status not in OPEN_STATUSES:
            reasons[registration.pk] = _("déjà traitée")
        elif registration.probable_duplicate:
            reasons[registration.pk] = _("doublon probable : à examiner une par une")
        else:
            pending.append(registration)
    duplicates = find_duplicates_for(pending)
    without_duplicates = []
    for registration in pending:
        if duplicates[registration.pk]:
            reasons[registration.pk] = _("doublon probable : à examiner une par une")
        else:
            without_duplicates.append(registration)
    for pk, found in evidence.gather_many(without_duplicates).items():
        if found.has_discordance:
            reasons[pk] = _("discordance avec l'Annuaire Santé : à examiner une par une")
    return {r.pk: reasons.get(r.pk, "") for r in registrations}


def ineligibility(registration) -> str:
    """Why this request cannot be validated in bulk ("" when it can)."""
    return ineligibilities([registration])[registration.pk]


def approve_many(ids: list[int], *, by, request=None) -> BulkResult:
    result = BulkResult()
    registrations = RegistrationRequest.objects.in_bulk(ids)
    for pk in ids:
        registration = registrations.get(pk)
        if registration is None:
            result.skipped.append((pk, _("demande introuvable")))
            continue
        reason = ineligibility(registration)
        if reason:
            result.skipped.append((pk, reason))
            continue
        try:
            account = approve(pk, by=by, request=request)
        except AlreadyDecided as error:
            result.skipped.append((pk, error.message))
            continue
        result.approved.append((registration, account.user.get_username()))
    return result
