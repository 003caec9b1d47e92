"""Each decision, its audit event and its e-mail, delivered through a real SMTP server."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mail.models import PURGED_BODY, OutboxMessage
from kiosque.professionals.models import ProfessionalProfile
from kiosque.registration.models import RegistrationRequest, RegistrationStatus

pytestmark = pytest.mark.django_db


def decide(client, registration, **data):
    payload = {"request_id": registration.pk, **data}
    return client.post(f"/gestion/demandes/{registration.pk}/decision/", payload)


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_approve_creates_account_profile_and_sends_credentials(
    reviewer_client, reviewer, registration, smtp_server, deliver_outbox
):
    response = decide(reviewer_client, registration, decision="approve")
    assert response.status_code == 302

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.APPROVED
    assert registration.decided_by == reviewer
    user = get_user_model().objects.get(username="ndupont")
    assert registration.account == user
    assert user.email == registration.email_auth
    assert user.must_change_password and user.temporary_password_expires_at
    profile = ProfessionalProfile.objects.get(user=user)
    assert (profile.rpps, profile.profession_id, profile.birth_name) == (
        "10000000009",
        "10",
        "PETIT",
    )
    assert [e.finess for e in profile.establishments.all()] == ["280503848"]
    assert AuditEvent.objects.filter(
        action=AuditAction.REGISTRATION_APPROVED, target_id=str(registration.pk), actor=reviewer
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_CREATED, target_id=str(user.pk)
    ).exists()

    assert deliver_outbox() == 1
    message = smtp_server.messages[-1]
    assert message["To"] == registration.email_auth
    assert "identifiants" in message["Subject"]
    text = body(message)
    assert "Identifiant : ndupont" in text
    password = re.search(r"Mot de passe temporaire : (\S+)", text).group(1)
    assert user.check_password(password)
    assert settings.KIOSQUE_BASE_URL + settings.LOGIN_URL in text
    assert "Accéder au portail" in message.get_body(preferencelist=("html",)).get_content()
    # The secret does not stay in the outbox once delivered.
    outbox = OutboxMessage.objects.get()
    assert outbox.purge_after_delivery and outbox.text_body == PURGED_BODY
    assert password not in outbox.html_body


def test_reject_with_listed_reason_sends_it(
    reviewer_client, registration, smtp_server, deliver_outbox
):
    response = decide(
        reviewer_client,
        registration,
        decision="reject",
        reason_code="identity_unverified",
        reason_text="Votre N° RPPS ne correspond pas à votre nom.",
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    assert registration.decision_reason_code == "identity_unverified"
    assert AuditEvent.objects.filter(action=AuditAction.REGISTRATION_REJECTED).count() == 1
    assert not get_user_model().objects.filter(email=registration.email_auth).exists()
    assert deliver_outbox() == 1
    text = body(smtp_server.messages[-1])
    assert "vérifier votre identité professionnelle" in text
    assert "ne correspond pas à votre nom" in text


def test_reject_with_typed_reason(reviewer_client, registration, smtp_server, deliver_outbox):
    decide(
        reviewer_client,
        registration,
        decision="reject",
        reason_code="other",
        reason_text="Vous exercez hors de la région.",
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    assert deliver_outbox() == 1
    assert "Vous exercez hors de la région." in body(smtp_server.messages[-1])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "reject"}, "Choisissez le motif du refus."),
        ({"decision": "reject", "reason_code": "other"}, "Saisissez le motif du refus"),
        ({"decision": "request_info", "question": "  "}, "Saisissez la question"),
        ({"decision": "delete"}, "Cette décision n&#x27;est pas proposée"),
        ({"decision": "reject", "reason_code": "made_up"}, "Choisissez un motif de la liste."),
    ],
)
def test_bad_decisions_change_nothing(reviewer_client, registration, data, message):
    response = decide(reviewer_client, registration, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert not OutboxMessage.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="registration.").exists()


def test_request_info_then_applicant_corrects_and_request_returns_to_queue(
    client, reviewer_client, registration, smtp_server, deliver_outbox
):
    decide(
        reviewer_client,
        registration,
        decision="request_info",
        question="Merci de préciser votre N° ADELI.",
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.INFO_REQUESTED
    assert AuditEvent.objects.filter(action=AuditAction.REGISTRATION_INFO_REQUESTED).exists()
    assert deliver_outbox() == 1
    text = body(smtp_server.messages[-1])
    assert "Merci de préciser votre N° ADELI." in text
    link = re.search(r"(http\S+/inscription/complement/\S+/)", text).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in registration.correction_token_hash  # stored hashed only

    path = link.removeprefix(settings.KIOSQUE_BASE_URL)
    page = client.get(path)
    assert page.status_code == 200
    assert "Merci de préciser votre N° ADELI." in page.content.decode()
    form = {
        "identite-profession": "10",
        "identite-rpps": registration.rpps,
        "identite-adeli": "",
        "identite-last_name": "DUPONT",
        "identite-birth_name": "PETIT",
        "identite-first_name": "Nathalie",
        "identite-birth_date": "07/06/1994",
        "contacts-phone_mobile": "06 75 03 05 22",
        "contacts-email_auth": "nathalie.dupont@chu-tours.fr",
        "contacts-email_auth_confirmation": "nathalie.dupont@chu-tours.fr",
        "reponse-answer": "Je n'ai pas de N° ADELI.",
    }
    specialty = page.context["identity"].fields["specialty"].choices[1][1][0][0]
    form["identite-specialty"] = specialty
    response = client.post(path, form)
    assert response.status_code == 200, response.context and [
        f.errors for f in (response.context["identity"], response.context["contacts"])
    ]
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.email_auth == "nathalie.dupont@chu-tours.fr"
    assert registration.applicant_answer == "Je n'ai pas de N° ADELI."
    assert registration.correction_token_hash == ""
    assert AuditEvent.objects.filter(action=AuditAction.REGISTRATION_CORRECTED).exists()
    # Single use: the link is spent.
    assert client.get(path).status_code == 404
    assert client.post(path, form).status_code == 404
    queue = reviewer_client.get("/gestion/")
    assert registration.display_name() in queue.content.decode()


def test_correction_with_invalid_data_keeps_request_waiting(client, reviewer_client, registration):
    decide(reviewer_client, registration, decision="request_info", question="Votre mail ?")
    from kiosque.registration.flows.request_info import token_hash

    # Find the link from the outbox (the only place the token exists).
    text = OutboxMessage.objects.get().text_body
    path = re.search(r"(/inscription/complement/\S+/)", text).group(1)
    assert RegistrationRequest.objects.get().correction_token_hash == token_hash(
        path.rstrip("/").rsplit("/", 1)[1]
    )
    response = client.post(path, {"contacts-email_auth": "secretariat@mssante.fr"})
    assert response.status_code == 400
    assert RegistrationRequest.objects.get().status == RegistrationStatus.INFO_REQUESTED


def test_already_decided_request_shows_who_and_when(client, reviewer_client, registration):
    from kiosque.backoffice.tests.factories import make_reviewer

    other = make_reviewer("autre", first_name="Paul", last_name="Martin")
    client.force_login(other)
    decide(client, registration, decision="reject", reason_code="duplicate")
    second = decide(reviewer_client, registration, decision="approve")
    assert second.status_code == 302
    page = reviewer_client.get(second.url).content.decode()
    assert "Cette demande a déjà été traitée par MARTIN Paul le" in page
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REJECTED
    assert not get_user_model().objects.filter(username="ndupont").exists()
