"""Gestionnaire 2ndFA: enrolling a TOTP app by QR code or key, listing, deleting."""

import base64
import re
import time

import pytest

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.core import crypto
from kiosque.mail.models import OutboxMessage
from kiosque.mfa.flows import enrol, totp_login
from kiosque.mfa.models import TOTPDevice
from kiosque.mfa.tests.helpers import PASSWORD, add_device
from kiosque.mfa.tests.test_totp import rfc6238

pytestmark = pytest.mark.django_db

MANAGE, ADD = "/compte/second-facteur/", "/compte/second-facteur/ajouter/"
KEY = re.compile(r'id="totp-key">([A-Z2-7 ]+)<')


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def shown_key(page: str) -> str:
    return KEY.search(page).group(1).replace(" ", "")


def code_for(key: str, now: float | None = None) -> str:
    return rfc6238(base64.b32decode(key), int(now or time.time()))


def test_pages_need_a_signed_in_user(client, db):
    for url in (MANAGE, ADD, "/compte/second-facteur/1/supprimer/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/connexion/?next=")


def test_manage_page_without_devices(signed_in):
    page = signed_in.get(MANAGE).content.decode()
    assert "Gestionnaire 2ndFA" in page
    assert "Aucune application OTP" in page
    assert 'href="/compte/second-facteur/ajouter/"' in page and "Ajouter" in page


def test_enrolment_page_shows_the_qr_code_and_the_key_in_groups(signed_in, user):
    page = signed_in.get(ADD).content.decode()
    assert "Votre nouvelle clef TOTP. Testez-la et entrez le code" in page
    assert "① Scannez ce QR code dans votre application TOTP" in page
    assert "Si votre application n'accepte pas les QR codes, saisissez la clé suivante:" in page
    assert "② Choisissez un nom pour votre périphérique TOTP" in page
    assert "③ Recopiez le code affiché par votre application" in page
    assert "Enregistrer" in page
    assert '<svg width="' in page and 'class="totp-qr"' in page
    assert "style=" not in page.split('class="mfa-qr"')[1].split("</svg>")[0]
    grouped = KEY.search(page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", grouped)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    # reloading keeps the key the app may already have scanned
    assert shown_key(signed_in.get(ADD).content.decode()) == grouped.replace(" ", "")
    assert TOTPDevice.objects.count() == 0


def test_enrolment_with_the_right_code_saves_the_device(signed_in, user):
    key = shown_key(signed_in.get(ADD).content.decode())
    response = signed_in.post(ADD, {"name": "MyTOTP", "code": code_for(key)}, follow=True)
    page = response.content.decode()
    assert "Votre second facteur a été enregistré" in page
    device = TOTPDevice.objects.get(user=user)
    assert device.name == "MyTOTP"
    assert crypto.decrypt(device.encrypted_secret) == key
    for header in ("Type", "Nom", "Date", "Action"):
        assert f'<th scope="col">{header}</th>' in page
    assert "<td>TOTP</td>" in page and "<td>MyTOTP</td>" in page and "Supprimer" in page
    event = AuditEvent.objects.get(action=AuditAction.MFA_DEVICE_ADDED)
    assert event.actor_id == user.pk
    notice = OutboxMessage.objects.get(template_name="mfa/email/device_added")
    assert notice.to == [user.email] and "MyTOTP" in notice.text_body
    assert key not in notice.text_body
    assert enrol.SESSION_KEY not in signed_in.session


def test_the_enrolment_code_cannot_sign_in_afterwards(signed_in, user):
    key = shown_key(signed_in.get(ADD).content.decode())
    now = time.time()
    signed_in.post(ADD, {"name": "MyTOTP", "code": code_for(key, now)})
    outcome, _ = totp_login.check(user, code_for(key, now), for_time=now)
    assert outcome is totp_login.Outcome.REPLAYED


def test_enrolment_with_a_wrong_code_keeps_the_name_and_saves_nothing(signed_in, user):
    key = shown_key(signed_in.get(ADD).content.decode())
    right = code_for(key)
    wrong = "000000" if right != "000000" else "111111"
    page = signed_in.post(ADD, {"name": "MyTOTP", "code": wrong}).content.decode()
    assert "Ce code ne correspond pas à la clé affichée." in page
    assert 'value="MyTOTP"' in page
    assert shown_key(page) == key
    assert TOTPDevice.objects.count() == 0


def test_enrolment_refuses_malformed_code_and_missing_name(signed_in):
    signed_in.get(ADD)
    page = signed_in.post(ADD, {"name": "", "code": "12a456"}).content.decode()
    assert "Donnez un nom à ce périphérique." in page
    assert "Le code doit contenir exactement 6 chiffres." in page


def test_several_named_devices_names_unique_per_user(signed_in, user, make_user):
    add_device(user, "Téléphone")
    add_device(make_user(), "Tablette")
    key = shown_key(signed_in.get(ADD).content.decode())
    page = signed_in.post(ADD, {"name": "téléphone", "code": code_for(key)}).content.decode()
    assert "Vous avez déjà un périphérique nommé « téléphone »" in page
    signed_in.post(ADD, {"name": "Tablette", "code": code_for(key)})
    assert list(user.totp_devices.values_list("name", flat=True)) == ["Téléphone", "Tablette"]


def test_delete_asks_for_the_password(signed_in, user):
    device, _secret = add_device(user)
    url = f"/compte/second-facteur/{device.pk}/supprimer/"
    page = signed_in.get(url).content.decode()
    assert "Mot de passe" in page and 'autocomplete="current-password"' in page
    page = signed_in.post(url, {"password": "wrong"}).content.decode()
    assert "Mot de passe incorrect." in page
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    response = signed_in.post(url, {"password": PASSWORD}, follow=True)
    assert "Le second facteur « MyTOTP » a été supprimé." in response.content.decode()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_DEVICE_REMOVED).count() == 1
    notice = OutboxMessage.objects.get(template_name="mfa/email/device_removed")
    assert notice.to == [user.email] and "MyTOTP" in notice.text_body


def test_delete_password_tries_are_limited(signed_in, user):
    device, _secret = add_device(user)
    url = f"/compte/second-facteur/{device.pk}/supprimer/"
    for _ in range(5):
        signed_in.post(url, {"password": "wrong"})
    page = signed_in.post(url, {"password": PASSWORD}).content.decode()
    assert "Trop de tentatives" in page
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_cannot_delete_the_device_of_another_user(signed_in, make_user):
    device, _secret = add_device(make_user())
    url = f"/compte/second-facteur/{device.pk}/supprimer/"
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url, {"password": PASSWORD}).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_staff_required_to_use_totp_keep_their_last_device(settings, client, make_user):
    settings.KIOSQUE_STAFF_REQUIRE_TOTP = True
    admin = make_user("admin", is_staff=True)
    device, _secret = add_device(admin)
    client.force_login(admin)
    url = f"/compte/second-facteur/{device.pk}/supprimer/"
    response = client.post(url, {"password": PASSWORD}, follow=True)
    assert "doit garder au moins une application OTP" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
