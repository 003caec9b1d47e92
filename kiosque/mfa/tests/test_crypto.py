"""kiosque.core.crypto: secrets at rest with MultiFernet, key rotation."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from kiosque.core import crypto
from kiosque.mfa.models import TOTPDevice
from kiosque.mfa.tests.helpers import add_device

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_round_trip_and_ciphertext_differs(settings):
    settings.KIOSQUE_FIELD_KEYS = [NEW]
    token = crypto.encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in token
    assert crypto.encrypt("JBSWY3DPEHPK3PXP") != token
    assert crypto.decrypt(token) == "JBSWY3DPEHPK3PXP"


def test_new_key_first_old_keys_still_decrypt(settings):
    settings.KIOSQUE_FIELD_KEYS = [OLD]
    old_token = crypto.encrypt("secret")
    settings.KIOSQUE_FIELD_KEYS = [NEW, OLD]
    assert crypto.decrypt(old_token) == "secret"
    new_token = crypto.encrypt("secret")
    settings.KIOSQUE_FIELD_KEYS = [NEW]
    assert crypto.decrypt(new_token) == "secret"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(old_token)


def test_rotate_re_encrypts_with_the_newest_key(settings):
    settings.KIOSQUE_FIELD_KEYS = [OLD]
    token = crypto.encrypt("secret")
    settings.KIOSQUE_FIELD_KEYS = [NEW, OLD]
    rotated = crypto.rotate(token)
    settings.KIOSQUE_FIELD_KEYS = [NEW]
    assert crypto.decrypt(rotated) == "secret"


def test_a_wrong_key_is_a_configuration_error(settings):
    settings.KIOSQUE_FIELD_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
    settings.KIOSQUE_FIELD_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


@pytest.mark.django_db
def test_rotate_field_keys_command_re_encrypts_totp_secrets(settings, user, capsys):
    settings.KIOSQUE_FIELD_KEYS = [OLD]
    device, secret = add_device(user)
    settings.KIOSQUE_FIELD_KEYS = [NEW, OLD]
    call_command("rotate_field_keys")
    assert "1 secret(s) re-encrypted" in capsys.readouterr().out
    settings.KIOSQUE_FIELD_KEYS = [NEW]
    device = TOTPDevice.objects.get(pk=device.pk)
    assert crypto.decrypt(device.encrypted_secret) == secret
