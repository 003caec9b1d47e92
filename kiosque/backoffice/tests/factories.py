"""Factories shared by the back-office and professionals tests."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kiosque.accounts import roles
from kiosque.directory.models import AnnuaireActivity, AnnuairePerson, Establishment
from kiosque.registration.models import RegistrationRequest, RequestedEstablishment

_sequence = itertools.count(1)

RPPS_DUPONT = "10000000009"
RPPS_OTHER = "12345678903"
FINESS_DREUX = "280503848"
FINESS_TOURS = "370000481"


def make_user(username=None, *, roles_=(), password=None, **fields):
    number = next(_sequence)
    user = get_user_model().objects.create_user(
        username=username or f"user{number}",
        email=fields.pop("email", f"user{number}@exemple.fr"),
        password=password,
        **fields,
    )
    for role in roles_:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_reviewer(username=None, **fields):
    fields.setdefault("first_name", "Rémi")
    fields.setdefault("last_name", "Gestion")
    return make_user(username, roles_=[roles.ACCOUNT_MANAGERS], **fields)


def make_referent(username=None, **fields):
    return make_user(username, roles_=[roles.APPLICATION_REFERENTS], **fields)


def make_establishment(finess=FINESS_DREUX, name="AIRBP IRC DREUX", **fields):
    fields.setdefault("postal_code", "28100")
    fields.setdefault("city", "DREUX")
    return Establishment.objects.get_or_create(
        finess=finess, defaults={"name": name, "search_key": name.lower(), **fields}
    )[0]


def make_registration(*, establishments=None, **fields):
    number = next(_sequence)
    values = {
        "profession_id": "10",
        "specialty_id": None,
        "rpps": RPPS_DUPONT,
        "last_name": "DUPONT",
        "birth_name": "PETIT",
        "first_name": "Nathalie",
        "birth_date": date(1994, 6, 7),
        "phone_mobile": "+33675030522",
        "email_auth": f"nathalie.dupont{number}@chu-exemple.fr",
        "title_id": "DR",
        "civility_id": "MME",
    }
    values.update(fields)
    registration = RegistrationRequest.objects.create(**values)
    if establishments is None:
        establishments = [
            {
                "finess": FINESS_DREUX,
                "name": "AIRBP IRC DREUX",
                "postal_code": "28100",
                "city": "DREUX",
                "departement": "28 - Eure-et-Loir",
                "function": "Médecin",
                "service": "Oncologie",
            }
        ]
    for position, place in enumerate(establishments, start=1):
        RequestedEstablishment.objects.create(request=registration, position=position, **place)
    return registration


def make_annuaire_person(
    rpps=RPPS_DUPONT,
    *,
    last_name="DUPONT",
    first_name="NATHALIE",
    profession_code="10",
    profession_label="Médecin",
    sites=(FINESS_DREUX,),
):
    person = AnnuairePerson.objects.create(
        national_id="8" + rpps,
        id_type="8",
        identifier=rpps,
        civility_code="MME",
        last_name=last_name,
        first_name=first_name,
        profession_code=profession_code,
        profession_label=profession_label,
    )
    for index, finess in enumerate(sites):
        AnnuaireActivity.objects.create(
            person=person, key=f"a{index}", finess_site=finess, site_name=f"Site {finess}"
        )
    return person
