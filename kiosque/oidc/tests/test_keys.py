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


def test_a_key_file_appears_whole_never_half_written(keys_dir, monkeypatch):
    """Another node lists the directory at any moment: while a key is being written, no
    `.pem` file may exist yet for it (else that node reads a truncated key and fails)."""
    keys_dir.mkdir(parents=True)
    real_generate = keys._generate
    seen_while_writing = []

    class WatchedKey:
        def __init__(self, key):
            self.key = key

        def export_to_pem(self, **kwargs):
            seen_while_writing.append(sorted(p.name for p in keys_dir.glob("*.pem")))
            return self.key.export_to_pem(**kwargs)

        def __getattr__(self, name):
            return getattr(self.key, name)

    monkeypatch.setattr(keys, "_generate", lambda alg: WatchedKey(real_generate(alg)))
    first = keys.write_new_key("RS256", keys_dir, now=1000)
    second = keys.write_new_key("RS256", keys_dir, now=1000)  # same second: next free name
    assert seen_while_writing == [[], ["1000-RS256.pem"]]
    assert (first.path.name, second.path.name) == ("1000-RS256.pem", "1001-RS256.pem")
    assert sorted(p.name for p in keys_dir.iterdir()) == ["1000-RS256.pem", "1001-RS256.pem"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in keys_dir.iterdir())
