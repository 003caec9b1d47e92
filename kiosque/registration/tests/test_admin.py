"""The read-only admin list of registration requests."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kiosque.registration.models import RegistrationRequest


@pytest.fixture
def admin_client(db, settings):
    user = get_user_model().objects.create_superuser("admin", "admin@example.fr", "x" * 20)
    client = Client(REMOTE_ADDR="10.77.0.1")
    client.force_login(user)
    return client


@pytest.fixture
def registration(db):
    return RegistrationRequest.objects.create(
        profession_id="10",
        last_name="DUPONT",
        birth_name="PETIT",
        first_name="Nathalie",
        phone_mobile="+33675030522",
        email_auth="nathalie.petit@example.fr",
        probable_duplicate=True,
        duplicate_reasons=["email_account"],
    )


def admin_url(settings, suffix=""):
    return f"/{settings.KIOSQUE_ADMIN_PATH}registration/registrationrequest/{suffix}"


def test_list_shows_status_name_profession_and_duplicate_flag(admin_client, registration, settings):
    response = admin_client.get(admin_url(settings))
    assert response.status_code == 200
    page = response.content.decode()
    assert "DUPONT Nathalie" in page
    assert "Médecin" in page
    assert "en attente" in page


def test_detail_is_read_only(admin_client, registration, settings):
    response = admin_client.get(admin_url(settings, f"{registration.pk}/change/"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "même mail pour l&#x27;authentification qu&#x27;un compte existant" in page
    assert 'name="last_name"' not in page
    assert admin_client.get(admin_url(settings, "add/")).status_code == 403
