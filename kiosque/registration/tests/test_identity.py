"""Step 2, "Informations personnelles": required fields, conditional rules, directory check."""

import pytest

from kiosque.directory.models import AnnuairePerson
from kiosque.registration.tests.conftest import page_text


@pytest.fixture
def at_identity(wizard):
    wizard.complete("conditions")
    return wizard


def errors_of(response):
    assert response.status_code == 200
    return response.context["form"].errors


def test_empty_form_names_each_required_field(at_identity):
    response = at_identity.client.post("/inscription/identite/", {})
    errors = errors_of(response)
    assert errors["profession"] == ["Sélectionnez votre profession."]
    assert errors["last_name"] == ["Saisissez votre nom d'usage."]
    assert errors["birth_name"] == ["Saisissez votre nom de naissance."]
    assert errors["first_name"] == ["Saisissez votre prénom."]


def test_valid_identity_moves_to_contacts(at_identity):
    response = at_identity.post("identity")
    assert response.status_code == 302
    assert response["Location"] == "/inscription/contacts/"


def test_specialty_required_for_a_physician(at_identity):
    errors = errors_of(at_identity.post("identity", specialty=""))
    assert errors["specialty"] == ["Sélectionnez votre spécialité professionnelle."]


def test_specialty_label_names_the_profession(at_identity):
    response = at_identity.post("identity", specialty="")
    assert "Spécialité professionnelle - Médecin" in page_text(response)


def test_specialty_must_belong_to_the_profession(at_identity):
    errors = errors_of(at_identity.post("identity", specialty="SCD01"))
    assert errors["specialty"] == ["Cette spécialité ne correspond pas à la profession Médecin."]


def test_specialty_not_required_for_a_nurse(at_identity):
    response = at_identity.post("identity", profession="60", specialty="", rpps="")
    assert response.status_code == 302


def test_rpps_required_for_a_physician(at_identity):
    errors = errors_of(at_identity.post("identity", rpps=""))
    assert errors["rpps"] == [
        "Le N° RPPS est obligatoire pour la profession Médecin, sauf si vous avez un diplôme "
        "étranger (cochez alors « Diplôme étranger »)."
    ]


def test_foreign_diploma_waives_the_rpps(at_identity):
    response = at_identity.post("identity", rpps="", foreign_diploma="on")
    assert response.status_code == 302


def test_non_health_profession_needs_no_rpps_nor_specialty(at_identity):
    response = at_identity.post("identity", profession="NS", specialty="", rpps="", title="")
    assert response.status_code == 302


def test_rpps_checked_with_its_key(at_identity):
    errors = errors_of(at_identity.post("identity", rpps="10000000008"))
    assert "clé de contrôle" in errors["rpps"][0]


def test_rpps_typed_with_spaces_is_kept_without(at_identity):
    at_identity.post("identity", rpps="100 0000 0009")
    response = at_identity.client.get("/inscription/identite/")
    assert response.context["form"].cleaned_data["rpps"] == "10000000009"


def test_adeli_checked_when_given(at_identity):
    errors = errors_of(at_identity.post("identity", adeli="12345"))
    assert errors["adeli"] == ["Le numéro ADELI compte exactement 9 chiffres."]


def test_cpx_number_has_ten_digits(at_identity):
    errors = errors_of(at_identity.post("identity", cpx_number="12AB"))
    assert errors["cpx_number"] == [
        "Le numéro de carte CPx compte 10 chiffres ; il est imprimé sur votre carte."
    ]
    assert at_identity.post("identity", cpx_number="8001234567").status_code == 302


@pytest.mark.parametrize("typed", ["07/06/1994", "07-06-1994", "1994-06-07"])
def test_birth_date_formats(at_identity, typed):
    assert at_identity.post("identity", birth_date=typed).status_code == 302


@pytest.mark.parametrize("typed", ["7 juin 1994", "07/06/94", "1994", "07/06/1994/2"])
def test_birth_date_invalid_format(at_identity, typed):
    errors = errors_of(at_identity.post("identity", birth_date=typed))
    assert errors["birth_date"] == [
        "Saisissez une date au format jj/mm/aaaa, par exemple 07/06/1994."
    ]


@pytest.mark.parametrize("typed", ["31/02/1994", "29/02/1995", "31-04-1994", "1994-13-07"])
def test_a_date_in_the_right_format_that_does_not_exist(at_identity, typed):
    response = at_identity.post("identity", birth_date=typed)
    assert errors_of(response)["birth_date"] == [
        f"La date {typed} n'existe pas : vérifiez le jour et le mois, par exemple 07/06/1994."
    ]
    assert f'value="{typed}"' in response.content.decode()


def test_a_leap_day_exists(at_identity):
    assert at_identity.post("identity", birth_date="29/02/1996").status_code == 302


@pytest.mark.parametrize("typed", ["01/01/1850", "01/01/2025"])
def test_birth_date_plausible_range(at_identity, typed):
    errors = errors_of(at_identity.post("identity", birth_date=typed))
    assert errors["birth_date"][0].startswith("Vérifiez votre date de naissance")


def test_birth_date_optional(at_identity):
    assert at_identity.post("identity", birth_date="").status_code == 302


def test_errors_keep_what_was_typed(at_identity):
    response = at_identity.post("identity", last_name="", first_name="Nathalie", rpps="")
    page = page_text(response)
    assert 'value="Nathalie"' in page
    assert 'value="PETIT"' in page


def test_fields_have_labels_help_and_autocomplete(at_identity):
    page = page_text(at_identity.client.get("/inscription/identite/"))
    assert '<label for="id_rpps">N° RPPS' in page
    assert "Numéro à 11 chiffres figurant sur votre carte CPS ou dans l'Annuaire Santé" in page
    assert (
        "Si vous souhaitez vous connecter avec votre carte CPS veuillez saisir votre numéro CPS."
        in page
    )
    assert 'aria-describedby="id_rpps_helptext"' in page
    assert 'autocomplete="given-name"' in page
    assert 'autocomplete="family-name"' in page
    assert 'autocomplete="bday"' in page
    assert "<legend>Votre profession</legend>" in page
    assert 'data-requires-specialty="1"' in page


def test_error_is_tied_to_its_field(at_identity):
    page = page_text(at_identity.post("identity", first_name=""))
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_first_name_error"' in page
    assert '<a href="#id_first_name">Prénom : Saisissez votre prénom.</a>' in page


@pytest.fixture
def directory_entry(db):
    return AnnuairePerson.objects.create(
        national_id="810000000009",
        id_type="8",
        identifier="10000000009",
        last_name="MARTIN",
        first_name="Paul",
        profession_code="10",
        profession_label="Médecin",
    )


def test_directory_mismatch_warns_without_blocking(at_identity, directory_entry):
    response = at_identity.post("identity")
    assert response.status_code == 302
    page = page_text(at_identity.client.get(response["Location"]))
    assert "ne correspondent pas à ceux de l'Annuaire Santé" in page
    assert "MARTIN" not in page


def test_directory_match_gives_no_warning(at_identity, directory_entry):
    directory_entry.last_name, directory_entry.first_name = "Petit", "NATHALIE"
    directory_entry.save()
    response = at_identity.post("identity")
    page = page_text(at_identity.client.get(response["Location"]))
    assert "Annuaire Santé pour ce N° RPPS" not in page
