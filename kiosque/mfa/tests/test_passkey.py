"""Passkeys: enrolment from the Gestionnaire 2ndFA, deletion, second factor, passwordless
sign-in, reviewer reset, and the level and amr the session records."""

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory
from django.urls import reverse
from webauthn.helpers import bytes_to_base64url

from kiosque.accounts.models import ConnectionAttempt
from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.mfa import levels
from kiosque.mfa.flows.reset import reset_second_factors
from kiosque.mfa.models import MailedCode, Passkey
from kiosque.mfa.tests.helpers import (
    PASSWORD,
    STAGE_URL,
    add_device,
    current_totp,
    enrol_passkey,
    open_second_factor_stage,
    passkey_second_factor,
    passkey_sign_in,
    post_stage,
    signed_in_user_id,
)
from kiosque.mfa.tests.soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(client, user):
    client.force_login(user)
    authenticator = SoftAuthenticator()
    assert enrol_passkey(client, authenticator).json() == {"redirect": "/compte/second-facteur/"}
    client.logout()
    return authenticator


def session_request(client):
    """A request carrying the session of `client` (what the OIDC views would see)."""
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = get_user(request)
    return request


# --- enrolment ---------------------------------------------------------------------------


def test_enrol_saves_the_passkey_audits_and_mails(client, user):
    client.force_login(user)
    authenticator = SoftAuthenticator()
    response = enrol_passkey(client, authenticator, name="  Clé   USB ")
    assert response.status_code == 200
    passkey = Passkey.objects.get(user=user)
    assert passkey.name == "Clé USB"
    assert bytes(passkey.credential_id) == authenticator.credential_id
    assert passkey.transports == ["usb"]
    assert passkey.aaguid == "00000000-0000-0000-0000-000000000000"
    assert passkey.last_used_at is None
    event = AuditEvent.objects.get(action=AuditAction.MFA_DEVICE_ADDED)
    assert event.context["type"] == "passkey"
    page = client.get("/compte/second-facteur/").content.decode()
    assert "Clé USB" in page and "Jamais" in page


def test_options_ask_user_verification_discoverable_key_and_no_attestation(client, user):
    client.force_login(user)
    options = client.post("/compte/second-facteur/cle-d-acces/options/").json()["publicKey"]
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["rp"]["id"] == "kiosque.example.fr"
    assert user.username not in options["user"]["id"]


def test_several_passkeys_and_the_second_excludes_the_first(client, user):
    client.force_login(user)
    first = SoftAuthenticator()
    enrol_passkey(client, first, name="Une")
    options = client.post("/compte/second-facteur/cle-d-acces/options/").json()["publicKey"]
    assert [c["id"] for c in options["excludeCredentials"]] == [
        bytes_to_base64url(first.credential_id)
    ]
    enrol_passkey(client, SoftAuthenticator(), name="Deux")
    assert list(Passkey.objects.filter(user=user).values_list("name", flat=True)) == [
        "Une",
        "Deux",
    ]


def test_a_duplicate_name_is_refused_next_to_the_field(client, user):
    client.force_login(user)
    enrol_passkey(client, SoftAuthenticator(), name="Clé")
    response = enrol_passkey(client, SoftAuthenticator(), name="clé")
    assert response.status_code == 400
    assert "déjà une clé d'accès nommée « clé »" in response.json()["errors"]["name"][0]


def test_enrolment_needs_a_signed_in_user(client):
    response = client.post("/compte/second-facteur/cle-d-acces/options/")
    assert response.status_code == 302


# --- deletion ----------------------------------------------------------------------------


def test_delete_asks_the_password_then_audits(client, user, enrolled):
    client.force_login(user)
    passkey = Passkey.objects.get(user=user)
    url = f"/compte/second-facteur/cle-d-acces/{passkey.pk}/supprimer/"
    assert "Mot de passe incorrect" in client.post(url, {"password": "wrong"}).content.decode()
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    assert not Passkey.objects.filter(pk=passkey.pk).exists()
    event = AuditEvent.objects.get(action=AuditAction.MFA_DEVICE_REMOVED)
    assert event.context["type"] == "passkey"


def test_one_cannot_delete_another_users_passkey(client, user, enrolled, make_user):
    client.force_login(make_user("other"))
    passkey = Passkey.objects.get(user=user)
    url = f"/compte/second-facteur/cle-d-acces/{passkey.pk}/supprimer/"
    assert client.post(url, {"password": PASSWORD}).status_code == 404
    assert Passkey.objects.filter(pk=passkey.pk).exists()


# --- second factor -----------------------------------------------------------------------


def test_the_chooser_offers_the_passkey_first(client, user, enrolled):
    open_second_factor_stage(client, user)
    page = client.get(STAGE_URL).content.decode()
    assert "Clé d'accès" in page and "Code par mail" in page
    assert page.index("Clé d'accès") < page.index("Code par mail")


def test_passkey_as_second_factor_signs_in(client, user, enrolled):
    open_second_factor_stage(client, user)
    post_stage(client, action="choose", method="passkey")
    assert "Utiliser ma clé d'accès" in client.get(STAGE_URL).content.decode()
    response = passkey_second_factor(client, enrolled)
    assert response.json() == {"redirect": "/applications/"}
    assert signed_in_user_id(client) == str(user.pk)
    assert Passkey.objects.get(user=user).last_used_at is not None
    assert client.session["_kiosque_amr"] == ["password", "passkey"]
    request = session_request(client)
    assert levels.session_level(request) == levels.PASSKEY
    assert levels.session_amr(request) == ["pwd", "hwk", "user", "mfa"]
    assert AuditEvent.objects.filter(
        action=AuditAction.MFA_VERIFIED, context__method="passkey"
    ).exists()
    assert not MailedCode.objects.filter(user=user).exists()  # no code was mailed


# --- passwordless ------------------------------------------------------------------------


def test_passwordless_sign_in(client, user, enrolled):
    response = passkey_sign_in(client, enrolled, next_url="/compte/second-facteur/")
    assert response.json() == {"redirect": "/compte/second-facteur/"}
    assert signed_in_user_id(client) == str(user.pk)
    request = session_request(client)
    assert levels.session_level(request) == levels.PASSKEY
    assert levels.session_amr(request) == ["hwk", "user", "mfa"]
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_SUCCEEDED).exists()
    attempt = ConnectionAttempt.objects.filter(user=user).latest("pk")  # enrolment signed in too
    assert attempt.outcome == "success" and attempt.second_factor_label() == "Clé d'accès"


def test_a_synced_passkey_is_swk(client, user):
    client.force_login(user)
    authenticator = SoftAuthenticator(synced=True)
    enrol_passkey(client, authenticator)
    client.logout()
    passkey_sign_in(client, authenticator)
    assert levels.session_amr(session_request(client)) == ["swk", "user", "mfa"]


def test_passwordless_follows_the_account_rule(client, user, enrolled):
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = passkey_sign_in(client, enrolled)
    assert response.status_code == 403
    assert "désactivé" in response.json()["error"]
    assert signed_in_user_id(client) is None


def test_passwordless_with_a_password_to_change_opens_the_change_stage(client, user, enrolled):
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    response = passkey_sign_in(client, enrolled)
    assert response.json() == {"redirect": "/connexion/nouveau-mot-de-passe/"}
    assert signed_in_user_id(client) is None


def test_the_login_field_offers_passkeys_in_the_autofill(client):
    page = client.get("/connexion/").content.decode()
    assert 'autocomplete="username webauthn"' in page
    assert "Se connecter avec une clé d'accès" in page
    assert "/static/mfa/js/passkey.js" in page


# --- reset and levels --------------------------------------------------------------------


def test_a_reviewer_reset_removes_the_passkeys(user, enrolled, make_user):
    add_device(user)
    assert reset_second_factors(user, by=make_user("reviewer", is_staff=True)) == 2
    assert not Passkey.objects.filter(user=user).exists()
    event = AuditEvent.objects.get(action=AuditAction.MFA_RESET)
    assert event.context == {"devices_removed": 1, "webauthn_devices_removed": 1}


def test_totp_and_mail_code_levels(client, user):
    _, secret = add_device(user)
    open_second_factor_stage(client, user)
    post_stage(client, action="choose", method="totp")
    post_stage(client, action="verify", method="totp", code=current_totp(secret))
    request = session_request(client)
    assert levels.session_level(request) == levels.TOTP
    assert levels.session_amr(request) == ["pwd", "otp", "mfa"]


def test_levels_are_ordered():
    assert levels.LEVELS == ("pwd", "mail_code", "totp", "passkey", "eidas1")
    assert levels.at_least(levels.PASSKEY, levels.TOTP)
    assert not levels.at_least(levels.MAIL_CODE, levels.TOTP)
    assert levels.level_of(["password", "mail_code"]) == levels.MAIL_CODE
    assert levels.level_of([]) is None


def test_the_admin_lists_passkeys_read_only(client, user, enrolled, make_user):
    admin_user = make_user("admin", is_staff=True)
    admin_user.is_superuser = True
    admin_user.save(update_fields=["is_superuser"])
    client.force_login(admin_user)
    changelist = reverse("admin:mfa_passkey_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and "Clé USB" in page.content.decode()
    assert client.get(reverse("admin:mfa_passkey_add")).status_code == 403


def test_staff_who_must_use_totp_may_use_a_passkey_instead(client, make_user, settings):
    settings.KIOSQUE_STAFF_REQUIRE_TOTP = True
    staff = make_user("admin", is_staff=True)
    client.force_login(staff)
    authenticator = SoftAuthenticator()
    enrol_passkey(client, authenticator)
    client.logout()
    open_second_factor_stage(client, staff)
    page = client.get(STAGE_URL)
    assert page.status_code == 200 and "Utiliser ma clé d'accès" in page.content.decode()
    assert passkey_second_factor(client, authenticator).status_code == 200
    assert signed_in_user_id(client) == str(staff.pk)
    assert not MailedCode.objects.filter(user=staff).exists()
