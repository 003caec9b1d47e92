"""Words the English interface used to show wrongly: in French, or with the wrong sense."""

import pytest
from django.utils import timezone, translation

from kiosque.accounts import useragent
from kiosque.accounts.models import ConnectionAttempt
from kiosque.backoffice.tests.factories import make_reviewer, make_user
from kiosque.directory import labels
from kiosque.directory.models import Civility, Profession, Specialty, Title
from kiosque.directory.reference import read_rows
from kiosque.mfa.models import TOTPDevice
from kiosque.professionals.models import ProfessionalProfile

pytestmark = pytest.mark.django_db

SAME_IN_ENGLISH = {"Pharmacovigilance"}
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.6778.33 Safari/537.36"
)


def english(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_second_factor_name_column_is_name_not_last_name(client):
    user = make_user("ndupont", password="Ancien-mot2passe!")
    TOTPDevice.objects.create(
        user=user, name="MyTOTP", encrypted_secret="x", created_at=timezone.now()
    )
    client.force_login(user)
    page = english(client, "/compte/second-facteur/")
    assert '<th scope="col">Name</th>' in page and "Last name" not in page


def test_the_reviewer_sees_the_factor_name_column_and_the_profession_in_english(client):
    account = make_user("ndupont")
    ProfessionalProfile.objects.create(user=account, profession_id="10", title_id="DR")
    TOTPDevice.objects.create(
        user=account, name="MyTOTP", encrypted_secret="x", created_at=timezone.now()
    )
    client.force_login(make_reviewer("rgestion"))
    page = english(client, f"/gestion/comptes/{account.pk}/")
    factors = page.split('aria-labelledby="factors"')[1].split("</section>")[0]
    assert '<th scope="col">Name</th>' in factors and "Last name" not in factors
    assert "<td>Physician</td>" in page and "<td>Doctor</td>" in page
    assert "Médecin" not in page


def test_the_catalogue_lists_every_reference_label_of_the_data_files():
    shipped = {
        row["label"]
        for name in ("professions.csv", "specialties.csv", "civilities.csv", "titles.csv")
        for row in read_rows(name)
    }
    with translation.override("fr"):
        assert {str(label) for label in labels.CATALOGUE} == shipped


@pytest.mark.parametrize("model", [Profession, Specialty, Civility, Title])
def test_every_reference_label_has_an_english_name(model):
    rows = list(model.objects.all())
    assert rows
    with translation.override("fr"):
        assert [str(row) for row in rows] == [row.label for row in rows]
    with translation.override("en"):
        untranslated = [row.label for row in rows if str(row) == row.label]
    assert [label for label in untranslated if label not in SAME_IN_ENGLISH] == []


def test_headless_chrome_is_named_in_the_readers_language():
    browser = useragent.parse(HEADLESS).browser
    with translation.override("fr"):
        assert useragent.browser_label(browser) == "Chrome (sans interface) 131"
        assert useragent.browser_label("Chrome (sans interface) 130") == (
            "Chrome (sans interface) 130"
        )
    with translation.override("en"):
        assert useragent.browser_label(browser) == "Headless Chrome 131"
        assert useragent.browser_label("Chrome (sans interface) 130") == "Headless Chrome 130"
        assert useragent.browser_label("Firefox 128") == "Firefox 128"


def test_the_connection_history_names_headless_chrome_in_english(client):
    user = make_user("ndupont")
    ConnectionAttempt.objects.create(
        user=user, outcome="success", browser=useragent.parse(HEADLESS).browser
    )
    client.force_login(user)
    page = english(client, "/compte/historique/")
    assert "Headless Chrome 131" in page and "sans interface" not in page


def test_the_specialty_list_follows_the_profession_names():
    """The registration script shows the specialties of the chosen profession by matching
    the option group with the profession's name: both are in the reader's language."""
    from kiosque.registration.forms import specialty_choices

    with translation.override("en"):
        groups = dict(specialty_choices()[1:])
        profession_names = {str(profession) for profession in Profession.objects.all()}
    assert "Physician" in groups and "Médecin" not in groups
    assert set(groups) - {"Other specialties"} <= profession_names
    assert "Oncology, medical option" in {label for _, label in groups["Physician"]}
