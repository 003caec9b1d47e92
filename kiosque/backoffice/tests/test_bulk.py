"""Validate several requests without discordance in one action."""

import pytest
from django.contrib.auth import get_user_model

from kiosque.backoffice.tests.factories import make_annuaire_person, make_registration
from kiosque.mail.models import OutboxMessage
from kiosque.registration.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def test_bulk_validates_clean_requests_only(reviewer_client):
    make_annuaire_person()
    make_annuaire_person("12345678903", last_name="MARTIN", first_name="PAUL")
    clean_one = make_registration()
    clean_two = make_registration(
        rpps="12345678903", last_name="MARTIN", first_name="Paul", birth_name="MARTIN"
    )
    discordant = make_registration(
        rpps="12345678903",
        last_name="DURAND",
        first_name="Luc",
        birth_name="DURAND",
        birth_date=None,
    )
    queue = reviewer_client.get("/gestion/").content.decode()
    # (the checkbox's id, not its value: a department's <option value="52"> may share it)
    assert f'id="select-{clean_one.pk}"' in queue
    assert f'id="select-{clean_two.pk}"' not in queue
    # clean_two shares an RPPS with `discordant`: a probable duplicate, not offered either.
    response = reviewer_client.post(
        "/gestion/demandes/validation-groupee/",
        {"requests": [clean_one.pk, clean_two.pk, discordant.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "1 demande validée : ndupont." in page
    assert f"Demande n° {discordant.pk} non validée" in page
    for registration, status in (
        (clean_one, RegistrationStatus.APPROVED),
        (clean_two, RegistrationStatus.PENDING),
        (discordant, RegistrationStatus.PENDING),
    ):
        registration.refresh_from_db()
        assert registration.status == status
    assert OutboxMessage.objects.filter(purge_after_delivery=True).count() == 1


def test_bulk_validates_many(reviewer_client):
    registrations = [
        make_registration(
            rpps="",
            profession_id="60",
            first_name=name,
            last_name="Durand",
            birth_name="Durand",
            email_auth=f"{name}@exemple.fr",
        )
        for name in ("Anne", "Bruno", "Chloé")
    ]
    reviewer_client.post(
        "/gestion/demandes/validation-groupee/", {"requests": [r.pk for r in registrations]}
    )
    assert sorted(
        get_user_model().objects.filter(last_name="Durand").values_list("username", flat=True)
    ) == ["adurand", "bdurand", "cdurand"]


@pytest.mark.parametrize("data", [{}, {"requests": ["abc"]}, {"requests": ["99999"]}])
def test_bad_bulk_input_changes_nothing(reviewer_client, data):
    registration = make_registration(rpps="")
    response = reviewer_client.post("/gestion/demandes/validation-groupee/", data, follow=True)
    assert response.status_code == 200
    assert "message--error" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
