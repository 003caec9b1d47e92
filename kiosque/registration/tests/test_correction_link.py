"""The applicant's "Demander un complément" page lives under /inscription/complement/<token>/;
the former /gestion/complement/<token>/ links (already e-mailed) redirect there."""

import pytest

from kiosque.backoffice.tests.factories import make_registration, make_reviewer
from kiosque.mail.models import OutboxMessage
from kiosque.registration.flows.request_info import request_info
from kiosque.registration.models import RegistrationRequest, RegistrationStatus
from kiosque.registration.tests.conftest import page_text

pytestmark = pytest.mark.django_db

QUESTION = "Merci de préciser votre service."


def ask(registration) -> str:
    """The path of the link e-mailed to the applicant."""
    request_info(registration.pk, by=make_reviewer(), question=QUESTION)
    text = OutboxMessage.objects.get().text_body
    start = text.index("/inscription/complement/")
    return text[start : text.index("/", start + len("/inscription/complement/")) + 1]


def answer(registration, **changes) -> dict:
    form = {
        "identite-profession": registration.profession_id,
        "identite-specialty": registration.specialty_id,
        "identite-rpps": registration.rpps,
        "identite-last_name": registration.last_name,
        "identite-birth_name": registration.birth_name,
        "identite-first_name": registration.first_name,
        "identite-birth_date": "07/06/1994",
        "contacts-phone_mobile": "06 75 03 05 22",
        "contacts-email_auth": registration.email_auth,
        "contacts-email_auth_confirmation": registration.email_auth,
        "reponse-answer": "Oncologie médicale.",
    }
    return {key: value for key, value in (form | changes).items() if value is not None}


def make_oncologist(**fields):
    return make_registration(specialty_id="SM35", **fields)


def test_email_link_points_under_inscription(client, settings):
    registration = make_oncologist()
    path = ask(registration)
    text = OutboxMessage.objects.get().text_body
    assert settings.KIOSQUE_BASE_URL + path in text
    assert "/gestion/complement/" not in text
    page = client.get(path)
    assert page.status_code == 200
    assert QUESTION in page_text(page)


def test_former_address_redirects_keeping_the_token(client):
    registration = make_oncologist()
    path = ask(registration)
    token = path.rstrip("/").rsplit("/", 1)[1]
    response = client.get(f"/gestion/complement/{token}/")
    assert response.status_code == 308
    assert response["Location"] == path
    assert QUESTION in page_text(client.get(f"/gestion/complement/{token}/", follow=True))


def test_form_posted_to_the_former_address_is_applied(client):
    """308 keeps the method and the body: a page opened before the move still sends."""
    registration = make_oncologist()
    path = ask(registration)
    token = path.rstrip("/").rsplit("/", 1)[1]
    response = client.post(f"/gestion/complement/{token}/", answer(registration), follow=True)
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.applicant_answer == "Oncologie médicale."


def test_psc_verified_identity_cannot_be_changed_through_the_correction(client):
    registration = make_oncologist(rpps_verified=True)
    path = ask(registration)
    form = client.get(path).context["identity"]
    for name in ("rpps", "last_name", "first_name"):
        assert form.fields[name].disabled, name
    assert not form.fields["birth_name"].disabled
    assert "Renseigné par Pro Santé Connect" in page_text(client.get(path))
    response = client.post(
        path,
        answer(
            registration,
            **{
                "identite-rpps": "12345678903",
                "identite-last_name": "MARTIN",
                "identite-first_name": "Paul",
                "identite-birth_name": "DURAND",
            },
        ),
    )
    assert response.status_code == 200
    registration = RegistrationRequest.objects.get(pk=registration.pk)
    assert registration.status == RegistrationStatus.PENDING
    assert (registration.rpps, registration.last_name, registration.first_name) == (
        "10000000009",
        "DUPONT",
        "Nathalie",
    )
    assert registration.birth_name == "DURAND"
    assert registration.rpps_verified is True


def test_request_typed_by_hand_stays_fully_correctable(client):
    registration = make_oncologist()
    path = ask(registration)
    form = client.get(path).context["identity"]
    assert not any(field.disabled for field in form.fields.values())


def test_changing_the_verified_identity_outside_the_page_drops_the_mark():
    from kiosque.registration.flows import correct

    registration = make_oncologist(rpps_verified=True)
    token = ask(registration).rstrip("/").rsplit("/", 1)[1]
    identity = {name: getattr(registration, name) for name in correct.IDENTITY_FIELDS}
    contacts = {name: getattr(registration, name) for name in correct.CONTACT_FIELDS}
    corrected = correct.apply_correction(
        registration,
        token,
        identity=identity | {"rpps": "12345678903"},
        contacts=contacts,
        answer="",
    )
    assert corrected.rpps == "12345678903"
    assert corrected.rpps_verified is False
