"""What the back-office must resist: anonymous users, users without the role (referents),
tampered forms, CSRF, secrets leaking."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.backoffice.tests.factories import make_referent, make_registration, make_user
from kiosque.registration.models import RegistrationStatus

pytestmark = pytest.mark.django_db

GET_PAGES = [
    "/gestion/",
    "/gestion/demandes/{pk}/",
    "/gestion/demandes/export.csv",
    "/gestion/comptes/",
    "/gestion/comptes/{user}/",
    "/gestion/comptes/{user}/desactiver/",
    "/gestion/tableau-de-bord/",
]
POSTS = [
    ("/gestion/demandes/{pk}/decision/", {"decision": "approve"}),
    ("/gestion/demandes/validation-groupee/", {"requests": ["{pk}"]}),
    ("/gestion/comptes/{user}/desactiver/", {"reason": "x", "confirm": "on"}),
]


def fill(path, registration, user):
    return path.format(pk=registration.pk, user=user.pk)


@pytest.fixture
def target(db):
    return make_user("cible")


@pytest.mark.parametrize("path", GET_PAGES)
def test_anonymous_goes_to_login(client, registration, target, path):
    response = client.get(fill(path, registration, target))
    assert response.status_code == 302
    assert response.url.startswith("/connexion/?next=")


@pytest.mark.parametrize("path", GET_PAGES)
def test_referent_and_plain_user_are_refused(client, registration, target, path):
    for user in (make_referent(), make_user()):
        client.force_login(user)
        assert client.get(fill(path, registration, target)).status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count() == 2


@pytest.mark.parametrize(("path", "data"), POSTS)
def test_referent_cannot_validate_or_act(client, registration, target, path, data):
    client.force_login(make_referent())
    data = {
        k: [v[0].format(pk=registration.pk)] if isinstance(v, list) else v for k, v in data.items()
    }
    data["request_id"] = registration.pk
    response = client.post(fill(path, registration, target), data)
    assert response.status_code == 403
    registration.refresh_from_db()
    target.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING and target.is_active
    assert not get_user_model().objects.filter(username="ndupont").exists()


def test_decision_with_another_requests_id_is_refused(reviewer_client, registration):
    other = make_registration()
    response = reviewer_client.post(
        f"/gestion/demandes/{registration.pk}/decision/",
        {"request_id": other.pk, "decision": "approve"},
    )
    assert response.status_code == 400
    assert "Ce formulaire ne correspond pas à cette demande" in response.content.decode()
    for each in (registration, other):
        each.refresh_from_db()
        assert each.status == RegistrationStatus.PENDING


def test_request_info_not_offered_once_asked(reviewer_client, registration):
    registration.status = RegistrationStatus.INFO_REQUESTED
    registration.save()
    response = reviewer_client.post(
        f"/gestion/demandes/{registration.pk}/decision/",
        {"request_id": registration.pk, "decision": "request_info", "question": "Encore ?"},
    )
    assert response.status_code == 400
    assert "Cette décision n&#x27;est pas proposée" in response.content.decode()


def test_unknown_ids_are_404(reviewer_client):
    assert reviewer_client.get("/gestion/demandes/999999/").status_code == 404
    assert reviewer_client.post("/gestion/demandes/999999/decision/").status_code == 404
    assert reviewer_client.get("/gestion/comptes/999999/").status_code == 404


def test_decisions_require_post_and_csrf(reviewer, registration):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    url = f"/gestion/demandes/{registration.pk}/decision/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"request_id": registration.pk, "decision": "approve"})
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_no_password_in_clear_anywhere_but_the_outbox(reviewer_client, registration):
    import re

    from kiosque.mail.models import OutboxMessage

    response = reviewer_client.post(
        f"/gestion/demandes/{registration.pk}/decision/",
        {"request_id": registration.pk, "decision": "approve"},
        follow=True,
    )
    password = re.search(
        r"Mot de passe temporaire : (\S+)", OutboxMessage.objects.get().text_body
    ).group(1)
    assert password not in response.content.decode()
    for event in AuditEvent.objects.all():
        assert password not in str(event.context)
    user = get_user_model().objects.get(username="ndupont")
    assert password not in user.password
    page = reviewer_client.get(f"/gestion/comptes/{user.pk}/").content.decode()
    assert password not in page


def test_correction_link_with_unknown_token(client):
    assert client.get("/inscription/complement/inconnu/").status_code == 404
    assert client.get("/inscription/complement/" + "a" * 200 + "/").status_code == 404
    # The former address only redirects: the new page answers.
    assert client.get("/gestion/complement/inconnu/", follow=True).status_code == 404
