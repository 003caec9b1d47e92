"""Per address: 30 registrations an hour, and refused submissions on a budget of their own
(a hospital's staff share one public address)."""

from kiosque.audit.models import AuditEvent
from kiosque.registration.models import RegistrationRequest
from kiosque.registration.tests.conftest import page_text


def test_thirty_colleagues_behind_one_address_register_despite_wrong_captchas(
    wizard, captcha_test_mode
):
    for _colleague in range(30):
        wizard.complete()
        assert wizard.submit(captcha="faux").status_code == 200  # a mistyped captcha first
        assert wizard.submit().status_code == 302
    assert RegistrationRequest.objects.count() == 30
    wizard.complete()
    response = wizard.submit()
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans" in page_text(response)
    assert int(response["Retry-After"]) > 0
    assert RegistrationRequest.objects.count() == 30
    assert wizard.submit().status_code == 429
    event = AuditEvent.objects.get(action="security.rate_limited")
    assert event.context["scope"] == "registration.submit"


def test_refused_submissions_are_limited_on_their_own_budget(wizard, captcha_test_mode, settings):
    settings.KIOSQUE_RATE_LIMITS = {"registration.failure": "3/1h"}
    wizard.complete()
    for _attempt in range(3):
        assert wizard.submit(captcha="faux").status_code == 200
    response = wizard.submit(captcha="faux")
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans" in page_text(response)
    assert wizard.submit().status_code == 429  # the right answer too, until the window ends
    assert RegistrationRequest.objects.count() == 0
    assert AuditEvent.objects.filter(action="security.rate_limited").count() == 1


def test_reading_the_summary_is_not_limited(wizard, settings):
    settings.KIOSQUE_RATE_LIMITS = {"registration.failure": "1/1h", "registration.submit": "1/1h"}
    wizard.complete()
    for _attempt in range(8):
        assert wizard.client.get("/inscription/recapitulatif/").status_code == 200
