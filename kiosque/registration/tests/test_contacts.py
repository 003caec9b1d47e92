"""Step 3, "Contacts": phones in E.164, the authentication e-mail and its confirmation."""

import pytest

from kiosque.registration.tests.conftest import page_text


@pytest.fixture
def at_contacts(wizard):
    wizard.complete("conditions", "identity")
    return wizard


def errors_of(response):
    assert response.status_code == 200
    return response.context["form"].errors


def test_required_fields(at_contacts):
    errors = errors_of(at_contacts.client.post("/inscription/contacts/", {}))
    assert errors["phone_mobile"] == ["Saisissez votre numéro de téléphone mobile."]
    assert errors["email_auth"] == ["Saisissez votre mail pour l'authentification."]
    assert errors["email_auth_confirmation"] == ["Confirmez votre mail pour l'authentification."]
    assert "phone_professional" not in errors
    assert "email_communication" not in errors


def test_valid_contacts_move_to_establishment(at_contacts):
    response = at_contacts.post("contacts")
    assert response["Location"] == "/inscription/etablissement/"


def test_phones_are_normalised_to_e164(at_contacts):
    at_contacts.post("contacts", phone_professional="02.47.47.47.47", phone_mobile="0675030522")
    data = at_contacts.client.get("/inscription/contacts/").context["form"].cleaned_data
    assert data["phone_mobile"] == "+33675030522"
    assert data["phone_professional"] == "+33247474747"


def test_invalid_phone(at_contacts):
    errors = errors_of(at_contacts.post("contacts", phone_mobile="12"))
    assert errors["phone_mobile"][0].startswith("Ce numéro de téléphone n'est pas valide")


def test_confirmation_must_match(at_contacts):
    errors = errors_of(at_contacts.post("contacts", email_auth_confirmation="autre@example.fr"))
    assert errors["email_auth_confirmation"] == [
        "Les deux adresses mail ne sont pas identiques : vérifiez votre saisie."
    ]


def test_confirmation_ignores_case(at_contacts):
    response = at_contacts.post("contacts", email_auth_confirmation="Nathalie.Petit@Example.fr")
    assert response.status_code == 302


def test_mssante_address_refused_for_authentication(at_contacts):
    address = "nathalie.petit@ch-dreux.mssante.fr"
    errors = errors_of(
        at_contacts.post("contacts", email_auth=address, email_auth_confirmation=address)
    )
    assert "MSSanté" in errors["email_auth"][0]


def test_generic_address_refused_for_authentication(at_contacts):
    address = "secretariat@example.fr"
    errors = errors_of(
        at_contacts.post("contacts", email_auth=address, email_auth_confirmation=address)
    )
    assert "génériques" in errors["email_auth"][0]


def test_generic_address_accepted_for_communication(at_contacts):
    response = at_contacts.post("contacts", email_communication="contact@example.fr")
    assert response.status_code == 302


def test_malformed_email(at_contacts):
    errors = errors_of(at_contacts.post("contacts", email_auth="pas-un-mail"))
    assert errors["email_auth"] == [
        "Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."
    ]


def test_help_texts_and_autocomplete(at_contacts):
    page = page_text(at_contacts.client.get("/inscription/contacts/"))
    assert "Mail individuel obligatoire." in page
    assert "Attention : les adresses MSSanté sont interdites ainsi que le mail générique." in page
    assert "Mail générique accepté." in page
    assert 'autocomplete="email"' in page
    assert 'autocomplete="mobile tel"' in page
    assert 'type="tel"' in page
