"""A professional who signed in with Pro Santé Connect without an account: the wizard is
prefilled with PSC's identity, the PSC fields are locked (a tampered POST changes nothing), the
request is marked "RPPS vérifié" and the PSC identity leaves the session once it is sent."""

import re

import pytest

from kiosque.audit.models import AuditEvent
from kiosque.backoffice.tests.factories import make_reviewer
from kiosque.registration import psc_prefill
from kiosque.registration.models import RegistrationRequest
from kiosque.registration.tests.conftest import STEP_URLS, page_text

PSC_NOTE = "Renseigné par Pro Santé Connect"
LOCKED = ("profession", "specialty", "rpps", "last_name", "first_name")


def psc_identity(**changes):
    identity = {
        "national_id": "810000000009",
        "rpps": "10000000009",
        "adeli": "",
        "given_name": "Nathalie",
        "family_name": "DUPONT",
        "profession_code": "10",
        "specialty_code": "SM35",
        "finess_sites": [{"finess": "280503848", "name": "AIRBP IRC DREUX"}],
        "amr": ["pwd", "mfa"],
        "acr": "eidas1",
    }
    return identity | changes


def sign_in_with_psc(client, **changes):
    """What kiosque.oidc.flows.psc_login leaves when PSC knows no account."""
    session = client.session
    session[psc_prefill.SESSION_KEY] = psc_identity(**changes)
    session.save()


@pytest.fixture
def psc_wizard(wizard):
    sign_in_with_psc(wizard.client)
    return wizard


def identity_form(wizard):
    return wizard.client.get(STEP_URLS["identity"]).context["form"]


def test_session_key_is_the_one_the_psc_sign_in_sets():
    from kiosque.oidc import psc

    assert psc_prefill.SESSION_KEY == psc.REGISTRATION_SESSION_KEY


def test_start_page_explains_the_psc_path(psc_wizard):
    page = page_text(psc_wizard.client.get("/inscription/?psc=1"))
    assert "Aucun compte ne correspond encore à votre identité Pro Santé Connect" in page


def test_identity_step_prefilled_and_locked(psc_wizard):
    psc_wizard.complete("conditions")
    response = psc_wizard.client.get(STEP_URLS["identity"])
    form = response.context["form"]
    assert form.locked == {
        "profession": "10",
        "specialty": "SM35",
        "rpps": "10000000009",
        "last_name": "DUPONT",
        "first_name": "Nathalie",
    }
    for name in LOCKED:
        assert form.fields[name].disabled, name
        assert form[name].help_text == PSC_NOTE
    for name in ("birth_name", "birth_date", "adeli", "cpx_number", "title", "civility"):
        assert not form.fields[name].disabled, name
    page = page_text(response)
    assert 'name="rpps" value="10000000009"' in page
    assert re.search(r'<input[^>]*name="rpps"[^>]*disabled', page)
    assert re.search(r'<select[^>]*name="profession"[^>]*disabled', page)
    assert page.count(PSC_NOTE) >= len(LOCKED)
    assert "Vous vous êtes identifié avec Pro Santé Connect" in page


def test_tampered_post_cannot_change_the_locked_fields(psc_wizard, captcha_test_mode):
    psc_wizard.complete("conditions")
    response = psc_wizard.post(
        "identity",
        profession="60",
        specialty="",
        rpps="12345678903",
        last_name="MARTIN",
        first_name="Paul",
    )
    assert response.status_code == 302, response.context["form"].errors
    page = page_text(psc_wizard.client.get(STEP_URLS["identity"]))
    assert "MARTIN" not in page and "12345678903" not in page
    psc_wizard.complete("contacts", "establishment", "interests")
    summary = page_text(psc_wizard.client.get(STEP_URLS["summary"]))
    assert "10000000009" in summary and "MARTIN" not in summary
    assert psc_wizard.submit().status_code == 302
    request = RegistrationRequest.objects.get()
    assert (request.rpps, request.last_name, request.first_name) == (
        "10000000009",
        "DUPONT",
        "Nathalie",
    )
    assert (request.profession_id, request.specialty_id) == ("10", "SM35")


def test_locked_fields_need_not_be_posted(psc_wizard):
    """A browser does not send disabled fields: the session's values are used."""
    psc_wizard.complete("conditions")
    response = psc_wizard.post(
        "identity", profession=None, specialty=None, rpps=None, last_name=None, first_name=None
    )
    assert response.status_code == 302, response.context["form"].errors
    form = identity_form(psc_wizard)
    assert form.is_valid()
    assert form.cleaned_data["rpps"] == "10000000009"


def test_request_marked_rpps_verified_and_psc_identity_cleared(psc_wizard, captcha_test_mode):
    psc_wizard.complete()
    assert psc_wizard.submit().status_code == 302
    request = RegistrationRequest.objects.get()
    assert request.rpps_verified is True
    assert psc_prefill.SESSION_KEY not in psc_wizard.client.session
    event = AuditEvent.objects.get(action="registration.submitted")
    assert event.context["rpps_verified"] is True
    assert event.context["psc"] == {"amr": ["pwd", "mfa"], "acr": "eidas1"}


def test_next_registration_in_the_same_browser_is_not_prefilled(psc_wizard, captcha_test_mode):
    psc_wizard.complete()
    psc_wizard.submit()
    psc_wizard.complete("conditions")
    form = identity_form(psc_wizard)
    assert form.locked == {}
    assert not any(field.disabled for field in form.fields.values())


def test_adeli_identity_locks_the_adeli(wizard, captcha_test_mode):
    sign_in_with_psc(
        wizard.client,
        national_id="0370000002",
        rpps="",
        adeli="370000002",
        profession_code="",
        specialty_code="",
    )
    wizard.complete("conditions")
    form = identity_form(wizard)
    assert set(form.locked) == {"adeli", "last_name", "first_name"}
    wizard.complete("identity", "contacts", "establishment", "interests")
    wizard.submit()
    request = RegistrationRequest.objects.get()
    assert (request.adeli, request.rpps_verified) == ("370000002", True)


def test_unknown_profession_and_bad_values_are_left_to_the_applicant(wizard):
    sign_in_with_psc(
        wizard.client,
        profession_code="9999",
        specialty_code="XX",
        rpps="10000000001",  # fails the Luhn check
        family_name="DUPONT 3",
    )
    wizard.complete("conditions")
    form = identity_form(wizard)
    assert form.locked == {"first_name": "Nathalie"}
    assert not form.fields["rpps"].disabled


def test_rpps_typed_by_hand_is_not_verified(wizard, captcha_test_mode):
    sign_in_with_psc(wizard.client, rpps="10000000001")  # invalid, so not locked
    wizard.complete()
    wizard.submit()
    request = RegistrationRequest.objects.get()
    assert request.rpps == "10000000009"
    assert request.rpps_verified is False


def test_establishment_prefilled_with_the_first_finess_site(psc_wizard):
    psc_wizard.complete("conditions", "identity", "contacts")
    response = psc_wizard.client.get(STEP_URLS["establishment"])
    form = response.context["form"]
    assert form["etab1_finess"].value() == "280503848"
    assert form.selected_establishment(1).name == "AIRBP IRC DREUX"
    page = page_text(response)
    assert 'value="AIRBP IRC DREUX"' in page
    # Not locked: the applicant may pick another establishment.
    assert not form.fields["etab1_finess"].disabled


def test_unknown_finess_site_is_not_prefilled(wizard):
    sign_in_with_psc(wizard.client, finess_sites=[{"finess": "450000088", "name": "CHR"}])
    wizard.complete("conditions", "identity", "contacts")
    form = wizard.client.get(STEP_URLS["establishment"]).context["form"]
    assert not form["etab1_finess"].value()


def test_stored_establishment_wins_over_the_prefill(psc_wizard):
    psc_wizard.complete("conditions", "identity", "contacts")
    psc_wizard.post("establishment", etab1_query="chru", etab1_finess="370000481")
    form = psc_wizard.client.get(STEP_URLS["establishment"]).context["form"]
    assert form["etab1_finess"].value() == "370000481"


def test_normal_path_has_no_lock_and_no_verification(wizard, captcha_test_mode):
    wizard.complete("conditions")
    page = page_text(wizard.client.get(STEP_URLS["identity"]))
    assert PSC_NOTE not in page
    assert " disabled" not in page
    wizard.complete("identity", "contacts", "establishment", "interests")
    wizard.submit()
    request = RegistrationRequest.objects.get()
    assert request.rpps_verified is False
    assert "psc" not in AuditEvent.objects.get(action="registration.submitted").context


def test_reviewer_sees_the_psc_mark(psc_wizard, captcha_test_mode, client):
    psc_wizard.complete()
    psc_wizard.submit()
    request = RegistrationRequest.objects.get()
    client.force_login(make_reviewer())
    page = page_text(client.get(f"/gestion/demandes/{request.pk}/"))
    assert page.count("RPPS vérifié par Pro Santé Connect") == 2  # identity table + evidence


def test_profile_created_on_validation_keeps_the_verification(psc_wizard, captcha_test_mode):
    from kiosque.registration.flows.approve import approve

    psc_wizard.complete()
    psc_wizard.submit()
    account = approve(RegistrationRequest.objects.get().pk, by=make_reviewer())
    assert account.profile.rpps_verified is True
    assert account.profile.rpps == "10000000009"
