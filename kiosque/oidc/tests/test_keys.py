"""Signing keys: made on first use in dev, rotated with overlap, required in production."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from kiosque.oidc import keys


@pytest.fixture
def keys_dir(settings, tmp_path):
    settings.KIOSQUE_OIDC_KEYS_DIR = tmp_path / "keys"
    return tmp_path / "keys"


def test_first_use_creates_one_key_per_algorithm(keys_dir):
    published = keys.public_jwks()["keys"]
    assert sorted(k["alg"] for k in published) == ["ES256", "RS256"]
    for path in keys_dir.glob("*.pem"):
        assert path.stat().st_mode & 0o077 == 0


def test_rotation_keeps_the_old_key_published_until_the_overlap_is_over(keys_dir):
    old = keys.signing_key("RS256")
    keys.rotate(now=old.created + 10, overlap=100)
    new = keys.signing_key("RS256")
    assert new.kid != old.kid
    kids = {k["kid"] for k in keys.public_jwks()["keys"]}
    assert {old.kid, new.kid} <= kids
    keys.rotate(now=old.created + 200, overlap=100)
    kids = {k["kid"] for k in keys.public_jwks()["keys"]}
    assert old.kid not in kids
    assert new.kid in kids


def test_production_refuses_to_invent_keys(keys_dir, settings):
    settings.KIOSQUE_ENV = "production"
    with pytest.raises(ImproperlyConfigured, match="rotate-oidc-keys"):
        keys.public_jwks()


def test_rotate_command(keys_dir, capsys):
    call_command("rotate_oidc_keys")
    out = capsys.readouterr().out
    assert "Nouvelle clé RS256" in out and "Nouvelle clé ES256" in out
    assert len(list(keys_dir.glob("*.pem"))) == 2
