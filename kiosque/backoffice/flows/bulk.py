"""Validate several requests in one action: only open requests without any discordance with
the Annuaire Santé and without probable duplicates; each is approved in its own transaction."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kiosque.backoffice.flows import evidence
from kiosque.backoffice.flows.duplicates import find_duplicates
from kiosque.registration.flows.approve import approve
from kiosque.registration.flows.decision import OPEN_STATUSES, AlreadyDecided
from kiosque.registration.models import RegistrationRequest


@dataclass
class BulkResult:
    approved: list[tuple[RegistrationRequest, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def ineligibility(registration) -> str:
    """Why this request cannot be validated in bulk ("" when it can)."""
    if registration.status not in OPEN_STATUSES:
        return _("déjà traitée")
    if registration.probable_duplicate or find_duplicates(registration):
        return _("doublon probable : à examiner une par une")
    if evidence.gather(registration).has_discordance:
        return _("discordance avec l'Annuaire Santé : à examiner une par une")
    return ""


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
