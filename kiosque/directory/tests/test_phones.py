"""Phone numbers are shown as people write them ("02 37 51 52 53"), never as stored
("+33237515253"), to applicants, reviewers and referents."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.template import engines

from kiosque.accounts import roles
from kiosque.backoffice.tests.factories import make_registration, make_reviewer, make_user
from kiosque.directory.phones import display_phone
from kiosque.portal.forms import AccessRequestForm
from kiosque.portal.models import AccessRequest, Application, RequestField
from kiosque.professionals.models import ProfessionalProfile

KIOSQUE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+33237515253", "02 37 51 52 53"),
        ("+33675030522", "06 75 03 05 22"),
        ("+590690301234", "0690 30 12 34"),  # Guadeloupe: a French number too
        ("+262262123456", "0262 12 34 56"),  # La Réunion
        ("+41223456789", "+41 22 345 67 89"),  # abroad: international format
        ("+4915112345678", "+49 1511 2345678"),
        ("", ""),
        (None, ""),
        ("02 37 51 52 53", "02 37 51 52 53"),  # typed text is left as typed
        ("280503848", "280503848"),  # digits that are not a stored phone (a FINESS)
        ("+33 abc", "+33 abc"),
        ("+3312", "+3312"),
    ],
)
def test_display_phone(stored, shown):
    assert display_phone(stored) == shown


def test_the_template_filter():
    template = engines["django"].from_string("{% load phones %}{{ number|phone }}")
    assert template.render({"number": "+33237515253"}) == "02 37 51 52 53"


def test_every_template_shows_phones_through_the_filter():
    shown = re.compile(r"\{\{\s*[\w.]*phone\w*\s*(\|[^}]*)?\}\}")
    unfiltered = []
    for path in KIOSQUE.rglob("templates/**/*.*"):
        for match in shown.finditer(path.read_text()):
            if "|phone" not in (match.group(1) or ""):
                unfiltered.append(f"{path.relative_to(KIOSQUE)}: {match.group(0)}")
    assert unfiltered == []


@pytest.mark.django_db
def test_the_reviewer_sees_national_numbers(client):
    registration = make_registration(phone_professional="+33237515253")
    account = make_user("ndupont")
    ProfessionalProfile.objects.create(
        user=account,
        profession_id="10",
        phone_mobile="+33675030522",
        phone_professional="+33237515253",
    )
    client.force_login(make_reviewer("rgestion"))
    for url in (f"/gestion/demandes/{registration.pk}/", f"/gestion/comptes/{account.pk}/"):
        page = client.get(url).content.decode()
        assert "06 75 03 05 22" in page and "02 37 51 52 53" in page, url
        assert "+3367" not in page and "+3323" not in page, url


@pytest.mark.django_db
def test_the_referent_sees_national_numbers(client):
    application = Application.objects.create(slug="dcc", name="DCC")
    user = make_user("ndupont")
    ProfessionalProfile.objects.create(
        user=user,
        profession_id="10",
        phone_mobile="+33675030522",
        phone_professional="+33237515253",
    )
    access_request = AccessRequest.objects.create(
        user=user,
        application=application,
        answers=[{"key": "tel", "label": "Téléphone professionnel", "value": "+33247000000"}],
    )
    referent = make_user("referent.dcc")
    referent.groups.add(Group.objects.get_or_create(name=roles.APPLICATION_REFERENTS)[0])
    application.referents.add(referent)
    client.force_login(referent)
    page = client.get(f"/applications/referent/demandes/{access_request.pk}/").content.decode()
    assert "06 75 03 05 22" in page and "02 37 51 52 53" in page and "02 47 00 00 00" in page
    assert "+33" not in page


@pytest.mark.django_db
def test_the_access_form_is_prefilled_with_the_national_number():
    application = Application.objects.create(slug="dcc", name="DCC")
    RequestField.objects.create(
        application=application,
        key="telephone-professionnel",
        label="Téléphone professionnel",
        prefill=RequestField.Prefill.PROFESSIONAL_PHONE,
    )
    user = make_user("ndupont")
    ProfessionalProfile.objects.create(
        user=user, profession_id="10", phone_professional="+33237515253"
    )
    form = AccessRequestForm(application, user)
    assert form.initial["telephone-professionnel"] == "02 37 51 52 53"
