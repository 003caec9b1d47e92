"""Figures for the platform team: the queue and its age, time to decision, weekly volumes,
refusal reasons."""

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kiosque.backoffice.flows.chart import Series, bar_chart
from kiosque.registration.flows import reject
from kiosque.registration.flows.decision import OPEN_STATUSES
from kiosque.registration.models import RegistrationRequest, RegistrationStatus

WEEKS = 8
MEDIAN_WINDOW_DAYS = 90
AGE_BUCKETS = ((2, _("moins de 2 jours")), (7, _("de 2 à 7 jours")), (None, _("plus de 7 jours")))
DECIDED = (RegistrationStatus.APPROVED, RegistrationStatus.REJECTED)


@dataclass
class Week:
    start: object
    label: str
    submitted: int = 0
    approved: int = 0
    rejected: int = 0


def _age_buckets(now, created: list) -> list[tuple[str, int]]:
    counts = []
    lower = 0
    for upper, label in AGE_BUCKETS:
        counts.append(
            (
                str(label),
                sum(
                    1
                    for when in created
                    if (now - when) >= timedelta(days=lower)
                    and (upper is None or (now - when) < timedelta(days=upper))
                ),
            )
        )
        lower = upper or 0
    return counts


def median_decision_hours(now) -> float | None:
    since = now - timedelta(days=MEDIAN_WINDOW_DAYS)
    pairs = RegistrationRequest.objects.filter(
        status__in=DECIDED, decided_at__gte=since
    ).values_list("created_at", "decided_at")
    hours = [(decided - created).total_seconds() / 3600 for created, decided in pairs]
    return statistics.median(hours) if hours else None


def format_hours(hours: float | None) -> str:
    if hours is None:
        return _("aucune décision sur la période")
    days, rest = divmod(round(hours), 24)
    if days:
        return _("%(days)s j %(hours)s h") % {"days": days, "hours": rest}
    return _("%(hours)s h") % {"hours": rest}


def weekly(now) -> list[Week]:
    today = timezone.localdate(now)
    first = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    weeks = [Week(start=first + timedelta(weeks=i), label="") for i in range(WEEKS)]
    for week in weeks:
        week.label = week.start.strftime("%d/%m")

    def slot(moment):
        index = (timezone.localdate(moment) - first).days // 7
        return weeks[index] if 0 <= index < WEEKS else None

    for created in RegistrationRequest.objects.filter(
        created_at__date__gte=first - timedelta(days=1)
    ).values_list("created_at", flat=True):
        if (week := slot(created)) is not None:
            week.submitted += 1
    for status, decided in RegistrationRequest.objects.filter(
        status__in=DECIDED, decided_at__date__gte=first - timedelta(days=1)
    ).values_list("status", "decided_at"):
        if (week := slot(decided)) is not None:
            if status == RegistrationStatus.APPROVED:
                week.approved += 1
            else:
                week.rejected += 1
    return weeks


def refusal_reasons() -> list[tuple[str, int]]:
    rows = (
        RegistrationRequest.objects.filter(status=RegistrationStatus.REJECTED)
        .values("decision_reason_code")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return [
        (str(reject.REASONS.get(row["decision_reason_code"], _("non précisé"))), row["count"])
        for row in rows
    ]


def figures(now=None) -> dict:
    now = now or timezone.now()
    created = list(
        RegistrationRequest.objects.filter(status__in=OPEN_STATUSES).values_list(
            "created_at", flat=True
        )
    )
    weeks = weekly(now)
    chart = bar_chart(
        [week.label for week in weeks],
        [
            Series(_("Demandes reçues"), "chart__bar--submitted", [w.submitted for w in weeks]),
            Series(_("Validées"), "chart__bar--approved", [w.approved for w in weeks]),
            Series(_("Refusées"), "chart__bar--rejected", [w.rejected for w in weeks]),
        ],
        title=_("Demandes et décisions par semaine"),
    )
    return {
        "pending_count": len(created),
        "oldest_days": (now - min(created)).days if created else None,
        "age_buckets": _age_buckets(now, created),
        "median_decision": format_hours(median_decision_hours(now)),
        "weeks": weeks,
        "chart": chart,
        "refusal_reasons": refusal_reasons(),
    }
