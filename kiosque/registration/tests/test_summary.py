"""Step 5, "Récapitulatif": everything typed, "Modifier" links, the captcha."""

import re

import pytest
from captcha.models import CaptchaStore

from kiosque.registration.models import RegistrationRequest
from kiosque.registration.tests.conftest import page_text


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


def test_captcha_labels_and_button(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    assert "Quel code est dissimulé dans l'image ?" in page
    assert "Saisir les caractères affichés dans l'image." in page
    assert "DEMANDER MON INSCRIPTION" in page
    assert "Nouvelle image" in page
    assert re.search(r'<img src="/captcha/image/[0-9a-f]{40}/"', page)


def test_new_image_link_works_without_javascript(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    link = re.search(r'<a href="([^"]+)" data-captcha-refresh', page).group(1)
    first_key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    again = page_text(at_summary.client.get(link))
    assert re.search(r'name="captcha_0" value="([0-9a-f]{40})"', again).group(1) != first_key


def test_missing_captcha(at_summary):
    response = at_summary.client.post("/inscription/recapitulatif/", {})
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [
        "Recopiez les caractères affichés dans l'image."
    ]
    assert not RegistrationRequest.objects.exists()


def test_wrong_captcha(at_summary):
    response = at_summary.submit(captcha="PASSED")
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == [
        "Le code saisi ne correspond pas à l'image : recopiez les caractères de la nouvelle image."
    ]
    assert not RegistrationRequest.objects.exists()


def test_right_captcha_answer(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = at_summary.client.post(
        "/inscription/recapitulatif/", {"captcha_0": key, "captcha_1": answer.upper()}
    )
    assert response.status_code == 302
    assert RegistrationRequest.objects.count() == 1


def test_captcha_answer_used_only_once(at_summary):
    page = page_text(at_summary.client.get("/inscription/recapitulatif/"))
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', page).group(1)
    answer = CaptchaStore.objects.get(hashkey=key).response
    at_summary.client.post("/inscription/recapitulatif/", {"captcha_0": key, "captcha_1": "nope"})
    response = at_summary.client.post(
        "/inscription/recapitulatif/", {"captcha_0": key, "captcha_1": answer}
    )
    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors


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
