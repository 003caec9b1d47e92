"""The review queue: requests filtered and searched, oldest first."""

from django.db.models import Q, QuerySet

from kiosque.registration.flows.decision import OPEN_STATUSES
from kiosque.registration.models import RegistrationRequest

STATUS_OPEN = ""
STATUS_ALL = "all"


def base_queryset() -> QuerySet:
    return RegistrationRequest.objects.select_related("profession", "specialty").prefetch_related(
        "establishments"
    )


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Every word must match a name, the RPPS (its beginning) or the authentication e-mail."""
    for word in (text or "").split()[:6]:
        queryset = queryset.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(birth_name__icontains=word)
            | Q(rpps__startswith=word)
            | Q(email_auth__icontains=word)
        )
    return queryset


def filter_requests(
    *,
    status: str = STATUS_OPEN,
    profession=None,
    departement=None,
    duplicates_only: bool = False,
    text: str = "",
) -> QuerySet:
    queryset = base_queryset()
    if status == STATUS_OPEN:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status != STATUS_ALL:
        queryset = queryset.filter(status=status)
    if profession is not None:
        queryset = queryset.filter(profession=profession)
    if departement is not None:
        ids = RegistrationRequest.objects.filter(
            establishments__departement__startswith=f"{departement.code} - "
        ).values("pk")
        queryset = queryset.filter(pk__in=ids)
    if duplicates_only:
        queryset = queryset.filter(probable_duplicate=True)
    return search(queryset, text).order_by("created_at", "id")
