import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosque.directory.models import MssanteDomain
from kiosque.directory.validators import (
    GENERIC_LOCAL_PARTS,
    validate_authentication_email,
    validate_communication_email,
)

pytestmark = pytest.mark.django_db


def refusal(value):
    with pytest.raises(ValidationError) as caught:
        validate_authentication_email(value)
    return caught.value.code, caught.value.messages[0]


@pytest.mark.parametrize(
    "value",
    [
        "nathalie.petit@esante-centre.fr",
        "c.lefebvre@chu-tours.fr",
        "pierre.martin@wanadoo.fr",
        "infirmiere.dupont@orange.fr",
    ],
)
def test_personal_addresses_are_accepted(value):
    validate_authentication_email(value)


@pytest.mark.parametrize(
    "value", ["n.dupont@medecin.mssante.fr", "x@chu-tours.mssante.fr", "a@MSSANTE.FR"]
)
def test_mssante_is_refused_with_its_own_sentence(value):
    code, message = refusal(value)
    assert code == "email_mssante"
    assert message == (
        "Les adresses de messagerie sécurisée de santé (MSSanté) ne peuvent pas servir à "
        "l'authentification : indiquez une adresse nominative."
    )


def test_imported_mssante_domain_is_refused():
    MssanteDomain.objects.create(domain="ght-touraine.fr")
    assert refusal("n.dupont@ght-touraine.fr")[0] == "email_mssante"
    assert refusal("n.dupont@pro.ght-touraine.fr")[0] == "email_mssante"
    validate_authentication_email("n.dupont@touraine.fr")


def test_apicrypt_is_refused_with_its_own_sentence():
    code, message = refusal("dupont.n@medical37.apicrypt.org")
    assert code == "email_apicrypt"
    assert "Apicrypt" in message and "nominative" in message


@pytest.mark.parametrize(
    "local",
    [
        "secretariat", "secretariat.cardio", "secretariat-onco", "secretariat_37", "secr.onco",
        "secretariatmedical", "contact", "accueil", "info", "infos", "direction", "noreply",
        "no-reply", "ne-pas-repondre", "admin", "standard", "rdv", "rdv.tours", "Contact",
    ],
)  # fmt: skip
def test_generic_mailboxes_are_refused(local):
    code, message = refusal(f"{local}@chu-tours.fr")
    assert code == "email_generic"
    assert message == (
        "Les adresses génériques (secrétariat, contact, accueil…) ne sont pas acceptées : "
        "indiquez votre adresse mail nominative."
    )


def test_generic_words_live_in_one_list():
    assert {"secretariat", "contact", "accueil", "noreply", "rdv"} <= set(GENERIC_LOCAL_PARTS)


@pytest.mark.parametrize("value", ["pas-une-adresse", "a@", "@b.fr", "a b@c.fr"])
def test_syntax_is_checked_first(value):
    assert refusal(value)[0] == "email_invalid"


def test_communication_email_accepts_generic_and_secure_addresses():
    validate_communication_email("secretariat@chu-tours.fr")
    validate_communication_email("service@medecin.mssante.fr")
    with pytest.raises(ValidationError):
        validate_communication_email("secretariat")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.text(max_size=80))
def test_random_text_only_ever_raises_validation_error(text):
    with contextlib.suppress(ValidationError):
        validate_authentication_email(text)
