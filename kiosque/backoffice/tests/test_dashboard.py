"""The platform team's dashboard."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kiosque.backoffice.flows.dashboard import figures
from kiosque.backoffice.tests.factories import make_registration, make_reviewer
from kiosque.registration.models import RegistrationRequest, RegistrationStatus

pytestmark = pytest.mark.django_db


def _midweek() -> datetime:
    """The last Wednesday noon, local time: "this week" then holds the decisions made an hour
    before, whatever the hour the test runs (an hour before a Monday 00:30 is last week)."""
    local = timezone.localtime()
    wednesday = local - timedelta(days=(local.weekday() - 2) % 7)
    noon = wednesday.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= local else noon - timedelta(days=7)


def test_figures():
    now = _midweek()
    reviewer = make_reviewer()
    for days in (1, 3, 10):
        registration = make_registration()
        RegistrationRequest.objects.filter(pk=registration.pk).update(
            created_at=now - timedelta(days=days)
        )
    for hours, status, code in (
        (24, RegistrationStatus.APPROVED, ""),
        (48, RegistrationStatus.REJECTED, "duplicate"),
        (72, RegistrationStatus.REJECTED, "duplicate"),
    ):
        registration = make_registration(
            status=status, decision_reason_code=code, decided_by=reviewer
        )
        RegistrationRequest.objects.filter(pk=registration.pk).update(
            created_at=now - timedelta(hours=hours + 1), decided_at=now - timedelta(hours=1)
        )
    data = figures(now)
    assert data["pending_count"] == 3
    assert data["oldest_days"] == 10
    assert [count for _label, count in data["age_buckets"]] == [1, 1, 1]
    assert data["median_decision"] == "2 j 0 h"
    assert data["refusal_reasons"] == [
        ("Vous disposez déjà d'un compte ou d'une demande en cours.", 2)
    ]
    this_week = data["weeks"][-1]
    assert (this_week.approved, this_week.rejected) == (1, 2)
    assert sum(week.submitted for week in data["weeks"]) == 6


def test_page_has_inline_svg_without_style_attribute(reviewer_client):
    make_registration()
    response = reviewer_client.get("/gestion/tableau-de-bord/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'role="img"' in page and "<title" in page
    assert "style=" not in page and "<style" not in page
    assert "<script" not in page
