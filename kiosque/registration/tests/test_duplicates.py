"""Probable duplicates are flagged for the reviewer, never revealed to the applicant."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kiosque.registration.flows.duplicates import reason_labels
from kiosque.registration.models import RegistrationRequest, RegistrationStatus
from kiosque.registration.tests.conftest import STEP_URLS, Wizard


def submit(changes=None, address="10.50.0.1"):
    wizard = Wizard(Client(REMOTE_ADDR=address))
    wizard.complete(**(changes or {}))
    response = wizard.submit()
    assert response.status_code == 302
    thanks = wizard.client.get(response["Location"])
    return response, thanks, RegistrationRequest.objects.order_by("-pk").first()


def other_person(**identity):
    return {
        "identity": {
            "rpps": "12345678903",
            "last_name": "MARTIN",
            "birth_name": "MARTIN",
            "first_name": "Paul",
            "birth_date": "01/02/1970",
            **identity,
        },
        "contacts": {
            "email_auth": "paul.martin@example.fr",
            "email_auth_confirmation": "paul.martin@example.fr",
        },
    }


@pytest.fixture
def first_request(establishments, captcha_test_mode):
    return submit(address="10.50.0.1")


def test_fresh_request_not_flagged(first_request):
    _response, _thanks, request = first_request
    assert request.probable_duplicate is False


def test_same_rpps_flagged(first_request):
    changes = other_person(rpps="10000000009")
    _response, _thanks, request = submit(changes, address="10.50.0.2")
    assert request.probable_duplicate is True
    assert request.duplicate_reasons == ["rpps_request"]


def test_same_email_as_a_request_flagged(first_request):
    changes = other_person()
    changes["contacts"] = {}
    _response, _thanks, request = submit(changes, address="10.50.0.2")
    assert request.duplicate_reasons == ["email_request"]


def test_same_email_as_an_account_flagged(establishments, captcha_test_mode):
    get_user_model().objects.create_user("npetit", email="Nathalie.Petit@example.fr")
    _response, _thanks, request = submit()
    assert request.duplicate_reasons == ["email_account"]
    assert reason_labels(request.duplicate_reasons) == [
        "même mail pour l'authentification qu'un compte existant"
    ]


def test_same_name_and_birth_date_flagged(first_request):
    changes = other_person(
        last_name="Dupont", birth_name="Petit", first_name="NATHALIE", birth_date="07/06/1994"
    )
    _response, _thanks, request = submit(changes, address="10.50.0.2")
    assert request.duplicate_reasons == ["name_birth_date"]


def test_a_look_alike_name_from_before_the_latin_rule_is_a_duplicate(first_request):
    """A request stored with a Cyrillic Р ("DUРONT", accepted before names were Latin only)
    is found by "DUPONT": names are compared on their confusable-folded keys."""
    _response, _thanks, stored = first_request
    RegistrationRequest.objects.filter(pk=stored.pk).update(last_name="DUРONT", birth_name="РETIT")
    RegistrationRequest.objects.get(pk=stored.pk).save()  # recomputes the keys, as migrated
    assert RegistrationRequest.objects.get(pk=stored.pk).last_name_key == "dupont"
    changes = other_person(
        last_name="DUPONT", birth_name="DUPONT", first_name="Nathalie", birth_date="07/06/1994"
    )
    _response, _thanks, request = submit(changes, address="10.50.0.2")
    assert request.duplicate_reasons == ["name_birth_date"]


def test_the_name_search_is_one_query(first_request, django_assert_num_queries):
    from datetime import date

    from kiosque.registration.flows.duplicates import Applicant, same_name_and_birth_date

    applicant = Applicant("", "x@example.fr", "Dupont", "Petit", "Nathalie", date(1994, 6, 7))
    with django_assert_num_queries(1):
        assert same_name_and_birth_date(applicant) == ["name_birth_date"]
    other = Applicant("", "x@example.fr", "Dupond", "Durand", "Nathalie", date(1994, 6, 7))
    assert same_name_and_birth_date(other) == []


def test_rejected_request_frees_its_identifiers(first_request):
    RegistrationRequest.objects.update(status=RegistrationStatus.REJECTED)
    _response, _thanks, request = submit(address="10.50.0.2")
    assert request.probable_duplicate is False


def normalised(html: str) -> str:
    """The page without what changes on every response (CSRF tokens, nonces)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_duplicate_gets_the_same_answer_and_email(first_request, smtp_server, deliver_outbox):
    fresh_response, fresh_thanks, _fresh = first_request
    dup_response, dup_thanks, duplicate = submit(address="10.50.0.2")
    assert duplicate.probable_duplicate is True
    assert set(duplicate.duplicate_reasons) >= {"rpps_request", "email_request"}
    assert dup_response.status_code == fresh_response.status_code
    assert dup_response["Location"] == fresh_response["Location"]
    assert normalised(dup_thanks.content.decode()) == normalised(fresh_thanks.content.decode())
    assert deliver_outbox() == 2
    fresh_mail, dup_mail = smtp_server.messages
    assert fresh_mail["Subject"] == dup_mail["Subject"]
    assert (
        fresh_mail.get_body(("plain",)).get_content() == dup_mail.get_body(("plain",)).get_content()
    )


def test_summary_never_mentions_a_duplicate(first_request):
    wizard = Wizard(Client(REMOTE_ADDR="10.50.0.3"))
    wizard.complete()
    page = wizard.client.get(STEP_URLS["summary"]).content.decode().lower()
    assert "doublon" not in page
    assert "déjà" not in page
