"""A reviewer resets a user's second factors (lost phone)."""

import pytest

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mail.models import OutboxMessage
from kiosque.mfa.flows import mail_code
from kiosque.mfa.flows.reset import reset_second_factors
from kiosque.mfa.models import TOTPDevice
from kiosque.mfa.tests.helpers import STAGE_URL, add_device, open_second_factor_stage
from kiosque.mfa.verification import Outcome

pytestmark = pytest.mark.django_db


def test_reset_removes_totp_devices_audits_and_notifies(user, make_user, rf):
    reviewer = make_user("reviewer", is_staff=True)
    add_device(user, "Téléphone")
    add_device(user, "Tablette")
    other_device, _ = add_device(make_user(), "Autre")
    request = rf.post("/gestion/")
    request.user = reviewer
    assert reset_second_factors(user, by=reviewer, request=request) == 2
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert TOTPDevice.objects.filter(pk=other_device.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.MFA_RESET)
    assert event.actor_id == reviewer.pk and event.target_id == str(user.pk)
    assert event.context == {"devices_removed": 2, "webauthn_devices_removed": 0}
    notice = OutboxMessage.objects.get(template_name="mfa/email/reset")
    assert notice.to == [user.email]
    assert "Vos seconds facteurs ont été réinitialisés" in notice.subject
    assert "Téléphone, Tablette" in notice.text_body


def test_after_reset_the_user_signs_in_with_the_mail_code(client, user, make_user, smtp_server):
    add_device(user)
    reset_second_factors(user, by=make_user("reviewer", is_staff=True))
    open_second_factor_stage(client, user)
    page = client.get(STAGE_URL).content.decode()
    assert "Un code vous a été envoyé par mail, entrez-le ici" in page


def test_reset_ends_pending_mail_codes(user, make_user):
    code = mail_code.LOGIN_CODES.issue(user, attempt="attempt-1")
    reset_second_factors(user, by=make_user("reviewer", is_staff=True))
    assert mail_code.verify(user, code, attempt="attempt-1").outcome is not Outcome.ACCEPTED
