"""At most 5 final submissions per hour and per address."""

from kiosque.audit.models import AuditEvent
from kiosque.registration.models import RegistrationRequest
from kiosque.registration.tests.conftest import page_text


def test_sixth_submission_in_an_hour_refused(wizard):
    wizard.complete()
    for _attempt in range(5):
        response = wizard.submit(captcha="faux")
        assert response.status_code == 200
    response = wizard.submit(captcha="faux")
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans" in page_text(response)
    assert int(response["Retry-After"]) > 0
    assert AuditEvent.objects.filter(action="security.rate_limited").count() == 1


def test_limit_holds_for_right_answers_too(wizard, captcha_test_mode):
    for _attempt in range(5):
        wizard.complete()
        assert wizard.submit().status_code == 302
    wizard.complete()
    assert wizard.submit().status_code == 429
    assert RegistrationRequest.objects.count() == 5


def test_reading_the_summary_is_not_limited(wizard):
    wizard.complete()
    for _attempt in range(8):
        assert wizard.client.get("/inscription/recapitulatif/").status_code == 200
