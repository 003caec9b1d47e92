"""Sending the request: stored with every field, confirmation e-mail through the real SMTP
server, audit event, the guide's message, the wizard cleared."""

import pytest

from kiosque.audit.models import AuditEvent
from kiosque.mail.models import OutboxMessage
from kiosque.registration.models import RegistrationRequest, RegistrationStatus
from kiosque.registration.tests.conftest import STEP_URLS, page_text

MESSAGE = (
    "Votre demande a été prise en compte, elle est en cours de traitement par nos équipes. "
    "Vous recevrez vos codes de connexion dès validation de votre compte."
)


@pytest.fixture
def submitted(wizard, captcha_test_mode):
    wizard.complete(
        establishment={
            "add_second": "on",
            "etab2_query": "chru",
            "etab2_finess": "370000481",
            "etab2_function": "Praticien attaché",
            "etab2_service": "Oncologie",
        }
    )
    response = wizard.submit()
    assert response.status_code == 302
    return wizard, response


def test_request_stored_with_every_field(submitted):
    request = RegistrationRequest.objects.get()
    assert request.status == RegistrationStatus.PENDING
    assert request.get_status_display() == "en attente"
    assert request.profession_id == "10"
    assert request.specialty_id == "SM35"
    assert request.rpps == "10000000009"
    assert request.title_id == "DR"
    assert request.civility_id == "MME"
    assert (request.last_name, request.birth_name, request.first_name) == (
        "DUPONT",
        "PETIT",
        "Nathalie",
    )
    assert request.birth_date.isoformat() == "1994-06-07"
    assert request.phone_mobile == "+33675030522"
    assert request.phone_professional == "+33247474747"
    assert request.email_auth == "nathalie.petit@example.fr"
    assert request.email_communication == "secretariat.onco@example.fr"
    assert request.submitted_ip.startswith("10.28.")
    assert request.probable_duplicate is False
    assert request.duplicate_reasons == []
    assert request.rpps_verified is False
    assert request.directory_check == {"found": False, "mismatches": []}
    first, second = request.establishments.all()
    assert (first.finess, first.name, first.service, first.function) == (
        "280503848",
        "AIRBP IRC DREUX",
        "ADMINISTRATION",
        "Médecin",
    )
    assert first.establishment_id == "280503848"
    assert (second.position, second.finess, second.service) == (2, "370000481", "Oncologie")


def test_status_choices_prepared_for_the_review():
    assert dict(RegistrationStatus.choices) == {
        "pending": "en attente",
        "info_requested": "complément demandé",
        "approved": "validée",
        "rejected": "refusée",
    }


def test_applicant_sees_the_message(submitted):
    wizard, response = submitted
    assert response["Location"] == "/inscription/merci/"
    page = page_text(wizard.client.get("/inscription/merci/"))
    assert MESSAGE in page


def test_wizard_cleared_after_submission(submitted):
    wizard, _response = submitted
    assert wizard.client.get(STEP_URLS["identity"])["Location"] == "/inscription/"
    assert wizard.client.get(STEP_URLS["summary"])["Location"] == "/inscription/"


def test_thanks_page_needs_a_submission(client):
    assert client.get("/inscription/merci/")["Location"] == "/inscription/"


def test_audit_event(submitted):
    event = AuditEvent.objects.get(action="registration.submitted")
    request = RegistrationRequest.objects.get()
    assert event.target_id == str(request.pk)
    assert event.ip_address == request.submitted_ip
    assert event.context["probable_duplicate"] is False


def test_confirmation_email_through_smtp(submitted, smtp_server, deliver_outbox, settings):
    assert deliver_outbox() == 1
    [message] = smtp_server.messages
    assert message["To"] == "nathalie.petit@example.fr"
    assert message["Subject"] == f"[{settings.KIOSQUE_PLATFORM_NAME}] Nous étudions votre demande"
    body = message.get_body(("plain",)).get_content()
    assert MESSAGE in body
    assert "Cordialement," in body
    assert f"L'équipe {settings.KIOSQUE_PLATFORM_NAME}" in body


def test_nothing_stored_when_the_email_cannot_be_queued(wizard, captcha_test_mode, monkeypatch):
    wizard.complete()

    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("kiosque.registration.flows.submit.enqueue", broken)
    with pytest.raises(RuntimeError):
        wizard.submit()
    assert not RegistrationRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="registration.submitted").exists()
    assert not OutboxMessage.objects.exists()
