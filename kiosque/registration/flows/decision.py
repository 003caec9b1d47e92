"""What every review decision shares: moving an open request to its new status in one
conditional UPDATE, so that of two reviewers acting at once exactly one wins.

The UPDATE ... WHERE status IN (open statuses) is atomic on every database: on PostgreSQL the
second UPDATE waits for the first transaction and then finds no open row; SQLite serialises
the writing transactions.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kiosque.registration.models import RegistrationRequest, RegistrationStatus

OPEN_STATUSES = (RegistrationStatus.PENDING, RegistrationStatus.INFO_REQUESTED)


class AlreadyDecided(Exception):
    """The request is no longer open to this decision (another reviewer acted first)."""

    def __init__(self, registration: RegistrationRequest):
        self.registration = registration
        super().__init__(self.message)

    @property
    def message(self) -> str:
        registration = self.registration
        reviewer = registration.decided_by
        name = reviewer.display_name() if reviewer is not None else _("un autre gestionnaire")
        if registration.decided_at is None:
            return _("Cette demande a déjà été traitée par %(name)s.") % {"name": name}
        when = timezone.localtime(registration.decided_at)
        return _("Cette demande a déjà été traitée par %(name)s le %(date)s à %(time)s.") % {
            "name": name,
            "date": formats.date_format(when, "d/m/Y"),
            "time": formats.time_format(when, "H:i"),
        }


def claim(registration_id: int, *, status: str, by, from_statuses=OPEN_STATUSES, **fields):
    """Set `status` (and `fields`) if the request is still in `from_statuses`; else raise
    AlreadyDecided. Call inside transaction.atomic() with the rest of the decision."""
    now = timezone.now()
    updated = RegistrationRequest.objects.filter(
        pk=registration_id, status__in=from_statuses
    ).update(status=status, decided_by=by, decided_at=now, updated_at=now, **fields)
    registration = RegistrationRequest.objects.select_related("decided_by").get(pk=registration_id)
    if not updated:
        raise AlreadyDecided(registration)
    return registration
