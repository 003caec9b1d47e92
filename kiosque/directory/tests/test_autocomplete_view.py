import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/annuaire/etablissements/"


def test_url_name():
    assert reverse("directory:establishment_search") == URL


def test_results_as_json(client, finess_sample):
    response = client.get(URL, {"q": "airbp"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "finess": "280503848",
                "name": "AIRBP IRC DREUX",
                "postal_code": "28100",
                "city": "DREUX",
                "departement": "28",
                "departement_label": "28 - Eure-et-Loir",
            }
        ]
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_at_least_two_characters(client, finess_sample):
    assert client.get(URL, {"q": "d"}).json() == {"results": []}
    assert client.get(URL).json() == {"results": []}
    assert len(client.get(URL, {"q": "dr"}).json()["results"]) > 0


def test_ten_results_at_most(client, finess_sample):
    assert len(client.get(URL, {"q": "pharmacie"}).json()["results"]) == 10


def test_only_get(client):
    assert client.post(URL, {"q": "dre"}).status_code == 405


@override_settings(KIOSQUE_RATE_LIMITS={"directory.autocomplete": "3/1m"})
def test_rate_limited_per_ip_with_json_429(client, finess_sample):
    for _ in range(3):
        assert client.get(URL, {"q": "dre"}).status_code == 200
    response = client.get(URL, {"q": "dre"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) >= 1
    assert "Réessayez" in response.json()["error"]
