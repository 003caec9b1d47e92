"""The second-factor stage with the mail code (accounts without a TOTP app)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kiosque.accounts.flows import stages
from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mfa.models import MailedCode
from kiosque.mfa.tests.helpers import STAGE_URL, code_from, post_stage, signed_in_user_id

pytestmark = pytest.mark.django_db


def arrive(client, smtp_server, deliver_outbox) -> str:
    """GET the stage (which mails the code) and read the code from the SMTP server."""
    response = client.get(STAGE_URL)
    assert response.status_code == 200
    assert deliver_outbox() == 1
    return code_from(smtp_server.messages[-1])


def verify(client, code, method="mail_code"):
    return post_stage(client, action="verify", method=method, code=code)


def test_page_has_the_guides_words_and_a_one_time_code_field(staged_client, smtp_server):
    page = staged_client.get(STAGE_URL).content.decode()
    assert "Un code vous a été envoyé par mail, entrez-le ici" in page
    assert ">Code" in page and "Se connecter" in page and "Annuler" in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


def test_the_mailed_code_signs_in(staged_client, user, smtp_server, deliver_outbox):
    code = arrive(staged_client, smtp_server, deliver_outbox)
    response = verify(staged_client, code)
    assert response.status_code == 302
    assert signed_in_user_id(staged_client) == str(user.pk)
    assert stages.SESSION_KEY not in staged_client.session
    assert staged_client.session["_kiosque_amr"] == ["password", "mail_code"]
    assert AuditEvent.objects.filter(action=AuditAction.MFA_VERIFIED, actor=user).exists()


def test_spaces_in_the_code_are_ignored(staged_client, user, smtp_server, deliver_outbox):
    code = arrive(staged_client, smtp_server, deliver_outbox)
    response = verify(staged_client, f" {code[:3]} {code[3:]} ")
    assert response.status_code == 302
    assert signed_in_user_id(staged_client) == str(user.pk)


def test_reloading_the_page_does_not_send_another_code(staged_client, smtp_server):
    staged_client.get(STAGE_URL)
    staged_client.get(STAGE_URL)
    assert MailedCode.objects.count() == 1


@pytest.mark.parametrize("typed", ["abcdef", "12345", "1234567", "12 34 5", "１２３４５６", ""])
def test_malformed_codes_get_a_message_and_no_attempt_is_spent(staged_client, smtp_server, typed):
    staged_client.get(STAGE_URL)
    response = verify(staged_client, typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Le code doit contenir exactement 6 chiffres." in page
        or "Saisissez le code à 6 chiffres." in page
    )
    assert MailedCode.objects.get().attempts == 0
    assert signed_in_user_id(staged_client) is None


def test_wrong_code_says_how_many_tries_are_left(staged_client, smtp_server, deliver_outbox):
    code = arrive(staged_client, smtp_server, deliver_outbox)
    wrong = "000000" if code != "000000" else "111111"
    page = verify(staged_client, wrong).content.decode()
    assert "Code incorrect. Il vous reste 4 essais." in page
    for _ in range(3):
        verify(staged_client, wrong)
    page = verify(staged_client, wrong).content.decode()
    assert "Trop d&#x27;essais avec ce code. Demandez un nouveau code." in page
    page = verify(staged_client, code).content.decode()
    assert "Trop d&#x27;essais avec ce code" in page
    assert signed_in_user_id(staged_client) is None


def test_expired_code_and_stale_form(staged_client, user, smtp_server, deliver_outbox):
    code = arrive(staged_client, smtp_server, deliver_outbox)
    MailedCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = verify(staged_client, code).content.decode()
    assert "Ce code a expiré. Demandez un nouveau code." in page
    assert signed_in_user_id(staged_client) is None


def test_resend_after_a_minute_gives_a_new_code(staged_client, user, smtp_server, deliver_outbox):
    first = arrive(staged_client, smtp_server, deliver_outbox)
    response = post_stage(staged_client, action="resend")
    assert response.status_code == 302
    page = staged_client.get(STAGE_URL).content.decode()
    assert "Vous pourrez demander un nouveau code dans" in page
    assert MailedCode.objects.count() == 1
    MailedCode.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    post_stage(staged_client, action="resend")
    page = staged_client.get(STAGE_URL).content.decode()
    assert "Un nouveau code vous a été envoyé par mail." in page
    assert deliver_outbox() == 1
    second = code_from(smtp_server.messages[-1])
    if first != second:
        assert "Code incorrect" in verify(staged_client, first).content.decode()
    assert verify(staged_client, second).status_code == 302


def test_too_many_codes_in_15_minutes(staged_client, user, smtp_server):
    staged_client.get(STAGE_URL)
    for n in range(4):
        MailedCode.objects.update(created_at=timezone.now() - timedelta(seconds=61 + n))
        post_stage(staged_client, action="resend")
    MailedCode.objects.update(created_at=timezone.now() - timedelta(seconds=120))
    assert MailedCode.objects.count() == 5
    post_stage(staged_client, action="resend")
    page = staged_client.get(STAGE_URL).content.decode()
    assert "Trop de codes demandés. Vous pourrez en demander un nouveau dans 13 minutes." in page
    assert MailedCode.objects.count() == 5


def test_cancel_ends_the_login(staged_client, smtp_server):
    staged_client.get(STAGE_URL)
    response = post_stage(staged_client, action="cancel")
    assert response.status_code == 302 and response.url == "/connexion/"
    assert stages.SESSION_KEY not in staged_client.session
    assert staged_client.get(STAGE_URL).url == "/connexion/"


def test_without_a_login_in_progress_the_stage_sends_to_the_login_page(client, db):
    response = client.get(STAGE_URL)
    assert response.status_code == 302 and response.url == "/connexion/"
    response = client.post(STAGE_URL, {"action": "verify", "code": "123456"}, follow=True)
    assert "Votre connexion a expiré" in response.content.decode()


def test_expired_login_state_is_refused(staged_client, user, smtp_server, deliver_outbox):
    code = arrive(staged_client, smtp_server, deliver_outbox)
    session = staged_client.session
    session[stages.SESSION_KEY]["started_at"] -= 3600
    session.save()
    response = verify(staged_client, code)
    assert response.status_code == 302 and response.url == "/connexion/"
    assert signed_in_user_id(staged_client) is None
    assert MailedCode.objects.get().used_at is None


def test_a_failed_code_is_audited_without_the_code(staged_client, user, smtp_server):
    staged_client.get(STAGE_URL)
    verify(staged_client, "999999")
    verify(staged_client, "999998")
    events = AuditEvent.objects.filter(action=AuditAction.MFA_FAILED, actor=user)
    assert events.count() >= 1
    assert all("99999" not in str(event.context) for event in events)


def test_wrong_codes_appear_in_the_connection_history(
    staged_client, user, smtp_server, deliver_outbox
):
    from kiosque.accounts.models import ConnectionAttempt

    code = arrive(staged_client, smtp_server, deliver_outbox)
    verify(staged_client, "000000" if code != "000000" else "111111")
    attempt = ConnectionAttempt.objects.get(user=user)
    assert attempt.outcome == "wrong_code" and attempt.second_factor == "mail_code"


@pytest.mark.parametrize(
    ("lifetime", "words"), [(1200, "20 minutes"), (90, "1 minute et 30 secondes")]
)
def test_the_page_and_the_mail_state_the_same_lifetime(
    staged_client, smtp_server, deliver_outbox, settings, lifetime, words
):
    settings.KIOSQUE_MAIL_CODE_SECONDS = lifetime
    page = staged_client.get(STAGE_URL).content.decode()
    assert f"Le code à 6 chiffres est valable {words}." in page
    assert deliver_outbox() == 1
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    assert f"Il expire dans {words}." in body
