"""Probable duplicates among requests and existing accounts, with links."""

import pytest

from kiosque.backoffice.flows.duplicates import find_duplicates
from kiosque.backoffice.tests.factories import make_registration, make_user
from kiosque.professionals.models import ProfessionalProfile

pytestmark = pytest.mark.django_db


def test_same_rpps_email_and_name_birth_date_among_requests():
    first = make_registration(email_auth="n.dupont@exemple.fr")
    second = make_registration(email_auth="N.Dupont@exemple.fr", last_name="Dupont")
    (duplicate,) = find_duplicates(second)
    assert duplicate.kind == "request"
    assert duplicate.url == f"/gestion/demandes/{first.pk}/"
    assert duplicate.reasons == [
        "même N° RPPS",
        "même mail pour l'authentification",
        "mêmes nom, prénom et date de naissance",
    ]


def test_birth_name_matches_usage_name():
    make_registration(rpps="", last_name="PETIT", birth_name="PETIT")
    found = find_duplicates(make_registration(rpps=""))
    assert [d.reasons for d in found] == [["mêmes nom, prénom et date de naissance"]]


def test_existing_accounts_and_profiles():
    registration = make_registration(email_auth="nathalie@exemple.fr")
    user = make_user(
        "ndupont", email="Nathalie@exemple.fr", first_name="Nathalie", last_name="Dupont"
    )
    ProfessionalProfile.objects.create(
        user=user, profession_id="10", rpps=registration.rpps, birth_date=registration.birth_date
    )
    (duplicate,) = find_duplicates(registration)
    assert duplicate.kind == "account"
    assert duplicate.url == f"/gestion/comptes/{user.pk}/"
    assert set(duplicate.reasons) == {
        "même N° RPPS",
        "même mail pour l'authentification",
        "mêmes nom, prénom et date de naissance",
    }


def test_different_people_are_not_duplicates():
    make_registration(rpps="12345678903", first_name="Paul")
    assert find_duplicates(make_registration()) == []


def test_detail_page_links_duplicates(reviewer_client):
    first = make_registration()
    second = make_registration()
    page = reviewer_client.get(f"/gestion/demandes/{second.pk}/").content.decode()
    assert f'href="/gestion/demandes/{first.pk}/"' in page


CYRILLIC_P = "\u0420"  # "Р", drawn like a Latin P
CYRILLIC_A = "\u0430"  # "а"


def test_a_look_alike_letter_does_not_hide_a_duplicate_request():
    first = make_registration(rpps="")
    second = make_registration(rpps="", last_name=f"DU{CYRILLIC_P}ONT", birth_name="")
    (duplicate,) = find_duplicates(second)
    assert duplicate.url == f"/gestion/demandes/{first.pk}/"
    assert duplicate.reasons == ["mêmes nom, prénom et date de naissance"]
    assert [d.url for d in find_duplicates(first)] == [f"/gestion/demandes/{second.pk}/"]


def test_a_look_alike_letter_does_not_hide_a_duplicate_account():
    registration = make_registration(rpps="", first_name=f"N{CYRILLIC_A}thalie")
    user = make_user(first_name="Nathalie", last_name=f"DU{CYRILLIC_P}ONT")
    ProfessionalProfile.objects.create(
        user=user, profession_id="10", birth_date=registration.birth_date
    )
    (duplicate,) = find_duplicates(registration)
    assert duplicate.url == f"/gestion/comptes/{user.pk}/"
    assert duplicate.reasons == ["mêmes nom, prénom et date de naissance"]


def test_spaces_and_hyphens_still_do_not_hide_a_duplicate():
    make_registration(rpps="", last_name="LE GOFF", birth_name="")
    found = find_duplicates(make_registration(rpps="", last_name="Le-Goff", birth_name="LEGOFF"))
    assert [d.reasons for d in found] == [["mêmes nom, prénom et date de naissance"]]


def test_a_different_letter_is_still_a_different_name():
    make_registration(rpps="", last_name="DUPONT", birth_name="")
    assert find_duplicates(make_registration(rpps="", last_name="DURONT", birth_name="")) == []
