"""The chooser and the TOTP code at sign-in; the staff rule."""

import time

import pytest

from kiosque.core import ratelimit
from kiosque.mfa.flows import totp_login
from kiosque.mfa.models import MailedCode, TOTPDevice
from kiosque.mfa.tests.helpers import (
    STAGE_URL,
    add_device,
    current_totp,
    open_second_factor_stage,
    post_stage,
    signed_in_user_id,
)
from kiosque.mfa.tests.test_totp import rfc6238

pytestmark = pytest.mark.django_db


def choose(client, method):
    return post_stage(client, action="choose", method=method)


def test_user_with_a_totp_app_chooses_application_otp_preselected(staged_client, user):
    add_device(user)
    page = staged_client.get(STAGE_URL).content.decode()
    assert "Choisissez votre second facteur" in page
    assert "Application OTP" in page and "Code par mail" in page and "Annuler" in page
    assert 'value="totp" class="button button--primary" autofocus' in page
    assert MailedCode.objects.count() == 0


def test_totp_code_signs_in(staged_client, user):
    _device, secret = add_device(user)
    chosen = choose(staged_client, "totp")
    assert chosen.status_code == 200  # the code page answers the choice: no redirect
    page = chosen.content.decode()
    assert "Code de votre application OTP" in page
    assert 'autocomplete="one-time-code"' in page
    response = post_stage(staged_client, action="verify", method="totp", code=current_totp(secret))
    assert response.status_code == 302
    assert signed_in_user_id(staged_client) == str(user.pk)
    assert staged_client.session["_kiosque_amr"] == ["password", "totp"]


def test_totp_code_checked_against_the_independent_implementation(user):
    import base64

    _device, secret = add_device(user)
    now = 1_900_000_000
    code = rfc6238(base64.b32decode(secret), now)
    outcome, _ = totp_login.check(user, code, for_time=now)
    assert outcome is totp_login.Outcome.ACCEPTED


def test_drift_of_one_step_accepted_two_refused(user):
    _device, secret = add_device(user)
    now = 1_900_000_000
    assert totp_login.check(user, current_totp(secret, now - 60), for_time=now)[0] is (
        totp_login.Outcome.WRONG
    )
    assert totp_login.check(user, current_totp(secret, now - 30), for_time=now)[0] is (
        totp_login.Outcome.ACCEPTED
    )


def test_a_totp_code_is_accepted_once(user):
    _device, secret = add_device(user)
    now = 1_900_000_000
    code = current_totp(secret, now)
    assert totp_login.check(user, code, for_time=now)[0] is totp_login.Outcome.ACCEPTED
    assert totp_login.check(user, code, for_time=now + 5)[0] is totp_login.Outcome.REPLAYED
    # an older code (within the drift) is refused once a newer one was used
    assert totp_login.check(user, current_totp(secret, now - 30), for_time=now)[0] is not (
        totp_login.Outcome.ACCEPTED
    )
    assert totp_login.check(user, current_totp(secret, now + 30), for_time=now + 30)[0] is (
        totp_login.Outcome.ACCEPTED
    )


def test_any_of_several_devices_works(user):
    add_device(user, "Téléphone")
    _other, secret = add_device(user, "Tablette")
    code = current_totp(secret)
    assert totp_login.check(user, code)[0] is totp_login.Outcome.ACCEPTED
    assert TOTPDevice.objects.get(name="Tablette").last_used_step > 0
    assert TOTPDevice.objects.get(name="Téléphone").last_used_step == 0


def test_replayed_code_in_the_page(staged_client, user, make_user):
    _device, secret = add_device(user)
    code = current_totp(secret)
    choose(staged_client, "totp")
    assert post_stage(staged_client, action="verify", method="totp", code=code).status_code == 302
    staged_client.logout()
    open_second_factor_stage(staged_client, user)
    choose(staged_client, "totp")
    page = post_stage(staged_client, action="verify", method="totp", code=code).content.decode()
    assert "Ce code a déjà été utilisé. Attendez le code suivant de votre application." in page
    assert signed_in_user_id(staged_client) is None


def test_wrong_totp_code_and_attempt_limit(staged_client, user):
    _device, secret = add_device(user)
    right = current_totp(secret)
    wrong = "000000" if right != "000000" else "111111"
    choose(staged_client, "totp")
    page = post_stage(staged_client, action="verify", method="totp", code=wrong).content.decode()
    assert "Code incorrect." in page
    for _ in range(ratelimit.rate("mfa.totp").limit - 1):
        post_stage(staged_client, action="verify", method="totp", code=wrong)
    page = post_stage(staged_client, action="verify", method="totp", code=right).content.decode()
    assert "Trop de tentatives. Réessayez dans" in page
    assert signed_in_user_id(staged_client) is None


def test_choosing_the_mail_sends_a_code(staged_client, user):
    add_device(user)
    choose(staged_client, "mail_code")
    page = staged_client.get(STAGE_URL).content.decode()
    assert "Un code vous a été envoyé par mail, entrez-le ici" in page
    assert MailedCode.objects.filter(user=user).count() == 1
    assert "Choisir un autre second facteur" in page
    post_stage(staged_client, action="change")
    assert "Choisissez votre second facteur" in staged_client.get(STAGE_URL).content.decode()


def test_stale_form_of_the_other_method_is_not_taken(staged_client, user):
    _device, secret = add_device(user)
    choose(staged_client, "mail_code")
    page = post_stage(
        staged_client, action="verify", method="totp", code=current_totp(secret)
    ).content.decode()
    assert "Cette page n&#x27;était plus à jour" in page
    assert signed_in_user_id(staged_client) is None


def test_the_choice_is_forgotten_with_the_login(staged_client, user):
    add_device(user)
    choose(staged_client, "totp")
    post_stage(staged_client, action="cancel")
    time.sleep(0.01)  # a new login has a new start time
    open_second_factor_stage(staged_client, user)
    assert "Choisissez votre second facteur" in staged_client.get(STAGE_URL).content.decode()


def test_an_unknown_method_is_ignored(staged_client, user):
    add_device(user)
    choose(staged_client, "none")
    assert "Choisissez votre second facteur" in staged_client.get(STAGE_URL).content.decode()


def test_staff_without_totp_cannot_use_the_mail_code_when_required(
    settings, client, make_user, smtp_server
):
    settings.KIOSQUE_STAFF_REQUIRE_TOTP = True
    admin = make_user("admin", is_staff=True)
    open_second_factor_stage(client, admin)
    response = client.get(STAGE_URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Demandez à un administrateur" in page
    assert MailedCode.objects.count() == 0
    choose(client, "mail_code")
    assert post_stage(client, action="verify", method="mail_code", code="123456").status_code == 403
    assert signed_in_user_id(client) is None
    assert post_stage(client, action="cancel").url == "/connexion/"


def test_staff_with_totp_goes_straight_to_the_totp_code_when_required(settings, client, make_user):
    settings.KIOSQUE_STAFF_REQUIRE_TOTP = True
    admin = make_user("admin", is_staff=True)
    _device, secret = add_device(admin)
    open_second_factor_stage(client, admin)
    page = client.get(STAGE_URL).content.decode()
    assert "Code de votre application OTP" in page and "Code par mail" not in page
    choose(client, "mail_code")
    assert MailedCode.objects.count() == 0
    response = post_stage(client, action="verify", method="totp", code=current_totp(secret))
    assert response.status_code == 302 and signed_in_user_id(client) == str(admin.pk)


def test_staff_may_use_the_mail_code_by_default(client, make_user, smtp_server):
    admin = make_user("admin", is_staff=True)
    open_second_factor_stage(client, admin)
    assert "Un code vous a été envoyé par mail" in client.get(STAGE_URL).content.decode()
