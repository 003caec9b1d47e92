from django.urls import reverse

from kiosque.registration.tests.conftest import page_text


def test_start_is_the_registration_start_url(client):
    assert reverse("registration:start") == "/inscription/"
    response = client.get("/inscription/")
    assert response.status_code == 200
    page = page_text(response)
    assert "J'accepte les conditions générales d'utilisation" in page
    assert "nécessite l'acceptation des" in page
    assert 'href="/inscription/conditions/"' in page


def test_conditions_must_be_accepted(client):
    response = client.post("/inscription/", {})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["accept"] == [
        "Le traitement de votre demande de création de compte nécessite l'acceptation des "
        "conditions générales d'utilisation."
    ]
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_accept"' in page
    assert 'aria-describedby="id_accept_error"' in page


def test_accepting_leads_to_personal_information(client):
    response = client.post("/inscription/", {"accept": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/inscription/identite/"


def test_conditions_text_names_the_platform(client, settings):
    settings.KIOSQUE_PLATFORM_NAME = "e-Santé Test"
    response = client.get("/inscription/conditions/")
    assert response.status_code == 200
    page = page_text(response)
    assert "Mentions légales et conditions générales d'utilisation" in page
    assert "e-Santé Test" in page
