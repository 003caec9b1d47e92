"""A request opened from the registration interests: the professional fills in the
application's own form afterwards, and the referent sees the answers."""

import pytest
from django.core.exceptions import ValidationError

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.portal.flows import request_access
from kiosque.portal.flows.interests import interests_to_requests
from kiosque.portal.models import AccessRequest
from kiosque.portal.tests.conftest import DCC_ANSWERS

pytestmark = pytest.mark.django_db
PAGE = "/applications/dcc/demande/"


@pytest.fixture
def from_interests(dcc, make_user):
    user = make_user(email="n.dupont@chu-tours.fr")
    (access_request,) = interests_to_requests(user, ["dcc"], ["oncocentre"])
    return user, access_request


def test_the_request_page_offers_the_applications_form(client, from_interests):
    user, _request = from_interests
    client.force_login(user)
    html = client.get(PAGE).content.decode()
    assert "En attente" in html
    assert "Téléphone professionnel" in html and "Statut sur le lieu" in html
    assert "COMPLÉTER MA DEMANDE" in html
    tiles = client.get("/applications/").content.decode()
    assert "Formulaire à compléter" in tiles


def test_completing_it_gives_the_referent_the_answers(
    client, from_interests, dcc_referent, smtp_server, deliver_outbox
):
    user, access_request = from_interests
    deliver_outbox()
    smtp_server.messages.clear()
    client.force_login(user)
    response = client.post(PAGE, {**DCC_ANSWERS, "telephone-professionnel": "02 47 11 22 33"})
    assert response.status_code == 302
    assert response["Location"] == "/applications/dcc/demande/merci/"

    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.PENDING
    assert access_request.source == AccessRequest.Source.REGISTRATION
    assert [answer["value"] for answer in access_request.answers] == [
        "02 47 11 22 33",
        "Salarié",
        "Oui",
    ]
    event = AuditEvent.objects.filter(
        action=AuditAction.ACCESS_REQUESTED, target_id=str(access_request.pk)
    ).latest("id")
    assert event.context.get("completed") is True
    assert deliver_outbox() == 1
    assert smtp_server.messages[0].envelope_to == [dcc_referent.email]

    html = client.get(PAGE).content.decode()
    assert "COMPLÉTER MA DEMANDE" not in html  # done: the status only
    assert "Formulaire à compléter" not in client.get("/applications/").content.decode()

    client.force_login(dcc_referent)
    detail = client.get(f"/applications/referent/demandes/{access_request.pk}/").content.decode()
    assert "02 47 11 22 33" in detail
    assert "pas de formulaire rempli" not in detail


def test_a_wrong_answer_is_refused_and_nothing_is_stored(client, from_interests):
    user, access_request = from_interests
    client.force_login(user)
    response = client.post(PAGE, {**DCC_ANSWERS, "confirmation": "non"})
    assert response.status_code == 200
    assert "Votre demande ne peut être envoyée que si vous la confirmez" in (
        response.content.decode()
    )
    access_request.refresh_from_db()
    assert access_request.answers == []


def test_the_form_is_filled_in_once(from_interests):
    user, access_request = from_interests
    request_access.complete(user, access_request, [{"key": "x", "label": "X", "value": "1"}])
    with pytest.raises(ValidationError) as error:
        request_access.complete(user, access_request, [{"key": "x", "label": "X", "value": "2"}])
    assert error.value.code == "already_completed"
    access_request.refresh_from_db()
    assert access_request.answers[0]["value"] == "1"


def test_a_portal_request_already_has_its_form(dcc, make_user, submit_dcc):
    assert not request_access.awaits_form(submit_dcc(make_user()))


def test_an_application_without_a_form_awaits_nothing(make_user, make_application):
    application = make_application()
    (access_request,) = interests_to_requests(make_user(), [application.slug], [])
    assert not request_access.awaits_form(access_request)
