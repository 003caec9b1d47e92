"""The review queue: oldest first, filters, search, count."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kiosque.backoffice.tests.factories import make_registration
from kiosque.registration.models import RegistrationRequest, RegistrationStatus

pytestmark = pytest.mark.django_db


def names(response):
    return [row["registration"].last_name for row in response.context["rows"]]


def age(registration, days):
    RegistrationRequest.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_open_requests_oldest_first_with_count(reviewer_client):
    recent = make_registration(last_name="RECENT")
    old = make_registration(last_name="ANCIEN", rpps="12345678903")
    make_registration(last_name="VALIDEE", status=RegistrationStatus.APPROVED)
    make_registration(last_name="COMPLEMENT", status=RegistrationStatus.INFO_REQUESTED)
    age(old, 10)
    age(recent, 1)
    response = reviewer_client.get("/gestion/")
    assert names(response) == ["ANCIEN", "RECENT", "COMPLEMENT"]
    assert response.context["count"] == 3
    assert "3 demandes" in response.content.decode()


def test_filters(reviewer_client):
    make_registration(last_name="MEDECIN")
    make_registration(
        last_name="INFIRMIER",
        profession_id="60",
        rpps="",
        establishments=[
            {"name": "CH Tours", "departement": "37 - Indre-et-Loire", "service": "Soins"}
        ],
    )
    make_registration(last_name="DOUBLON", probable_duplicate=True)
    make_registration(last_name="REFUSEE", status=RegistrationStatus.REJECTED)
    assert names(reviewer_client.get("/gestion/?profession=60")) == ["INFIRMIER"]
    assert names(reviewer_client.get("/gestion/?departement=37")) == ["INFIRMIER"]
    assert names(reviewer_client.get("/gestion/?departement=28")) == ["MEDECIN", "DOUBLON"]
    assert names(reviewer_client.get("/gestion/?duplicates=on")) == ["DOUBLON"]
    assert names(reviewer_client.get("/gestion/?status=rejected")) == ["REFUSEE"]
    assert len(names(reviewer_client.get("/gestion/?status=all"))) == 4
    # An unknown value is ignored: the queue still shows.
    assert reviewer_client.get("/gestion/?status=nope&profession=zz").status_code == 200


@pytest.mark.parametrize("query", ["dupont", "Nathalie DUP", "1000000", "martin.a@"])
def test_search_by_name_rpps_email(reviewer_client, query):
    make_registration(last_name="DUPONT", email_auth="martin.a@exemple.fr")
    make_registration(
        last_name="AUTRE", first_name="Luc", rpps="12345678903", email_auth="luc@exemple.fr"
    )
    assert names(reviewer_client.get("/gestion/", {"q": query})) == ["DUPONT"]


def test_filter_form_is_accessible(reviewer_client):
    page = reviewer_client.get("/gestion/").content.decode()
    assert '<form method="get"' in page
    for field in ("id_q", "id_status", "id_profession", "id_departement", "id_duplicates"):
        assert f'for="{field}"' in page


def test_gestion_link_only_for_account_managers(client, reviewer_client):
    from kiosque.backoffice.tests.factories import make_referent

    assert 'href="/gestion/"' in reviewer_client.get("/gestion/").content.decode()
    client.force_login(make_referent())
    assert 'href="/gestion/"' not in client.get("/", follow=True).content.decode()


def test_the_age_of_a_request_reads_as_french(reviewer_client):
    for name, days in (("AUJOURDHUI", 0), ("HIER", 1), ("ANCIEN", 5)):
        age(make_registration(last_name=name), days)
    page = reviewer_client.get("/gestion/").content.decode()
    hints = re.findall(r'<span class="hint">([^<]*)', page.replace("&#x27;", "'"))
    assert {"aujourd'hui", "hier", "il y a 5 jours"} <= set(hints)
    assert not [hint for hint in hints if re.search(r"il y a [01] jour", hint)]
