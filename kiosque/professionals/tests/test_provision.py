"""Provisioning the user and the professional profile from a request."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from kiosque.backoffice.tests.factories import make_registration
from kiosque.professionals.flows.provision import provision_account
from kiosque.professionals.models import ProfessionalProfile

pytestmark = pytest.mark.django_db


def test_user_profile_and_establishments_copied():
    registration = make_registration(
        adeli="",
        cpx_number="1234567890",
        specialty_id="SM36",
        phone_professional="+33247000000",
        email_communication="secretariat@chu.fr",
        establishments=[
            {
                "finess": "280503848",
                "name": "AIRBP IRC DREUX",
                "service": "Oncologie",
                "departement": "28 - Eure-et-Loir",
            },
            {
                "not_listed": True,
                "name": "Cabinet du Lac",
                "street": "1 rue du Lac",
                "postal_code": "37000",
                "city": "TOURS",
                "country": "FRANCE",
                "service": "Cabinet",
            },
        ],
    )
    with transaction.atomic():
        account = provision_account(registration)
    user, profile = account.user, account.profile
    assert (user.username, user.first_name, user.last_name, user.email) == (
        "ndupont",
        "Nathalie",
        "DUPONT",
        registration.email_auth,
    )
    assert profile.user == user and user.professional_profile == profile
    assert profile.national_id == "810000000009"
    assert (profile.specialty_id, profile.cpx_number, profile.title_id, profile.civility_id) == (
        "SM36",
        "1234567890",
        "DR",
        "MME",
    )
    assert profile.registration_request_id == registration.pk
    places = list(profile.establishments.values_list("position", "finess", "name", "not_listed"))
    assert places == [(1, "280503848", "AIRBP IRC DREUX", False), (2, "", "Cabinet du Lac", True)]


@override_settings(KIOSQUE_TEMPORARY_PASSWORD_DAYS=3)
def test_temporary_password_expires_after_the_setting():
    account = provision_account(make_registration())
    expected = timezone.now() + timedelta(days=3)
    assert abs(account.user.temporary_password_expires_at - expected) < timedelta(minutes=1)
    assert account.user.check_password(account.credentials.password)
    assert account.credentials.password not in repr(account.credentials)


def test_failure_rolls_back_everything():
    registration = make_registration(profession_id="10")
    with pytest.raises(RuntimeError), transaction.atomic():
        provision_account(registration)
        raise RuntimeError
    assert not ProfessionalProfile.objects.exists()
