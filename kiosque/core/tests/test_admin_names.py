"""The back-office (Django admin) names every model in French: no "Connection attempts",
"Login throttles" or "Access tokens" left from the class names."""

import pytest
from django.contrib.auth import get_user_model
from django.utils.text import camel_case_to_spaces

pytestmark = pytest.mark.django_db

ADMIN = "/gestion/admin/"
# Models whose French name is also what Django derives from the class name.
SAME_IN_FRENCH = {"Application", "Profession"}


@pytest.fixture
def admin_models(client):
    superuser = get_user_model().objects.create_superuser("admin", "admin@exemple.fr", None)
    client.force_login(superuser)
    response = client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    return [model for app in response.context["app_list"] for model in app["models"]]


def test_every_admin_model_has_a_french_name(admin_models):
    assert len(admin_models) > 20
    derived = [
        model["name"]
        for model in admin_models
        if model["object_name"] not in SAME_IN_FRENCH
        and model["name"].lower() == camel_case_to_spaces(model["object_name"]) + "s"
    ]
    assert derived == []


def test_the_names_seen_in_english_are_gone(admin_models):
    names = {model["name"] for model in admin_models}
    assert {"Tentatives de connexion", "Compteurs de limites"} <= names
    assert {"Jetons émis", "Codes d'autorisation"} <= names
    for english in ("Connection attempts", "Rate limit counters", "Access tokens", "Grants"):
        assert english not in names


def test_the_token_tables_stay_browsable(client, admin_models):
    for model in admin_models:
        if model["object_name"] in ("Token", "AuthorizationCode"):
            assert client.get(model["admin_url"]).status_code == 200, model["name"]
