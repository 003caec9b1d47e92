"""Step 5, "Récapitulatif": everything typed, "Modifier" links, the captcha."""

import re

import pytest

from kiosque.registration.models import RegistrationRequest
from kiosque.registration.tests.conftest import page_text, solved_captcha

AGAIN = "Attendez qu'elle soit refaite (« Vérifié »), puis envoyez à nouveau votre demande."


@pytest.fixture
def at_summary(wizard):
    wizard.complete()
    return wizard


def test_summary_shows_everything(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    for expected in (
        "Médecin",
        "Oncologie, option Onco-hématologie",
        "10000000009",
        "Docteur",
        "Madame",
        "DUPONT",
        "PETIT",
        "Nathalie",
        "07/06/1994",
        "02 47 47 47 47",
        "06 75 03 05 22",
        "nathalie.petit@example.fr",
        "secretariat.onco@example.fr",
        "AIRBP IRC DREUX",
        "280503848",
        "28 - Eure-et-Loir",
        "ADMINISTRATION",
    ):
        assert expected in page, expected
    assert "+33" not in page


def test_summary_has_modifier_links(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    for url in ("/inscription/identite/", "/inscription/contacts/", "/inscription/etablissement/"):
        assert f'<a href="{url}">Modifier<span class="visually-hidden">' in page


def test_summary_shows_the_second_and_not_listed_establishments(wizard):
    wizard.complete(
        establishment={
            "etab1_query": "",
            "etab1_finess": "",
            "etab1_not_listed": "on",
            "etab1_name": "Cabinet de la Loire",
            "etab1_street": "3 rue Nationale",
            "etab1_postal_code": "37000",
            "etab1_city": "TOURS",
            "etab1_departement": "37",
            "add_second": "on",
            "etab2_query": "chru",
            "etab2_finess": "370000481",
            "etab2_service": "Radiothérapie",
        }
    )
    page = page_text(wizard.client.get("/inscription/recapitulatif/"))
    assert "Cabinet de la Loire" in page
    assert "3 rue Nationale" in page
    assert "Deuxième établissement" in page
    assert "CHRU DE TOURS" in page
    assert "Radiothérapie" in page


def test_captcha_is_a_proof_of_work_widget_without_image(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    assert "<legend>Vérification anti-robot</legend>" in page
    assert "rien à recopier" in page
    assert "DEMANDER MON INSCRIPTION" in page
    assert re.search(
        r'<altcha-widget id="id_captcha_widget" name="captcha" '
        r'challenge="/inscription/recapitulatif/verification/" language="fr-fr"',
        page,
    )
    assert "<img" not in page[page.index("<main") :]
    assert "/static/registration/vendor/altcha/altcha.min.js" in page
    assert "/static/registration/vendor/altcha/i18n-fr-fr.js" in page


def test_missing_captcha(at_summary):
    response = at_summary.client.post("/inscription/recapitulatif/", {})
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [
        "Attendez la fin de la vérification anti-robot (« Vérifié »), puis envoyez votre demande."
    ]
    page = page_text(response)
    assert 'href="#id_captcha"' in page  # the error summary leads to the captcha's fieldset
    assert '<fieldset id="id_captcha"' in page
    assert not RegistrationRequest.objects.exists()


def test_passed_is_refused_outside_the_test_mode(at_summary):
    response = at_summary.submit(captcha="PASSED")
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [
        "La vérification anti-robot a échoué. " + AGAIN
    ]
    assert not RegistrationRequest.objects.exists()


def test_a_solved_challenge_sends_the_request(at_summary, cheap_captcha):
    response = at_summary.submit(captcha=solved_captcha(at_summary.client))
    assert response.status_code == 302
    assert response["Location"] == "/inscription/merci/"
    assert RegistrationRequest.objects.count() == 1


def test_test_mode_accepts_passed(at_summary, captcha_test_mode):
    response = at_summary.submit(captcha="PASSED")
    assert response.status_code == 302
    assert response["Location"] == "/inscription/merci/"


def test_directory_warning_repeated_on_the_summary(at_summary):
    from kiosque.directory.models import AnnuairePerson

    AnnuairePerson.objects.create(
        national_id="810000000009",
        id_type="8",
        identifier="10000000009",
        last_name="PETIT",
        first_name="Nathalie",
        profession_code="21",
    )
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    assert "ne correspondent pas à ceux de l'Annuaire Santé" in page
