"""Signing keys: made on first use in dev, rotated with overlap, required in production."""

import json
import shutil
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from joserfc import jwt
from joserfc.jwk import KeySet

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

        def as_pem(self, **kwargs):
            seen_while_writing.append(sorted(p.name for p in keys_dir.glob("*.pem")))
            return self.key.as_pem(**kwargs)

        def __getattr__(self, name):
            return getattr(self.key, name)

    monkeypatch.setattr(keys, "_generate", lambda alg: WatchedKey(real_generate(alg)))
    first = keys.write_new_key("RS256", keys_dir, now=1000)
    second = keys.write_new_key("RS256", keys_dir, now=1000)  # same second: next free name
    assert seen_while_writing == [[], ["1000-RS256.pem"]]
    assert (first.path.name, second.path.name) == ("1000-RS256.pem", "1001-RS256.pem")
    assert sorted(p.name for p in keys_dir.iterdir()) == ["1000-RS256.pem", "1001-RS256.pem"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in keys_dir.iterdir())


WRITTEN_BY_JWCRYPTO = Path(__file__).parent / "keys_written_by_jwcrypto"


def _copy_keys_written_by_jwcrypto(keys_dir):
    keys_dir.mkdir(parents=True)
    for path in WRITTEN_BY_JWCRYPTO.glob("*.pem"):
        shutil.copy(path, keys_dir / path.name)


def test_keys_written_before_joserfc_publish_the_same_jwks_byte_for_byte(keys_dir):
    """PEM files written by the jwcrypto key store (and its JWKS body, recorded then): the
    kids, the members and their order are unchanged, so relying parties see nothing."""
    _copy_keys_written_by_jwcrypto(keys_dir)
    recorded = (WRITTEN_BY_JWCRYPTO / "jwks.json").read_text().strip()
    assert json.dumps(keys.public_jwks()) == recorded


@pytest.mark.parametrize("alg", keys.ALGORITHMS)
def test_keys_written_before_joserfc_still_sign(keys_dir, alg):
    _copy_keys_written_by_jwcrypto(keys_dir)
    token = keys.sign_jwt({"sid": "s"}, alg, typ="logout+jwt")
    recorded = json.loads((WRITTEN_BY_JWCRYPTO / "jwks.json").read_text())
    decoded = jwt.decode(token, KeySet.import_key_set(recorded), algorithms=[alg])
    assert decoded.header == {"typ": "logout+jwt", "alg": alg, "kid": keys.signing_key(alg).kid}
    assert decoded.claims == {"sid": "s"}


def test_keys_in_the_traditional_openssl_formats_load_with_the_same_kids(keys_dir):
    """Keys made by other tooling (`openssl genrsa`: PKCS#1, `openssl ecparam -genkey`:
    SEC1) load like PKCS#8 ones; the kid is the thumbprint, not a property of the file."""
    keys_dir.mkdir(parents=True)
    for path in WRITTEN_BY_JWCRYPTO.glob("*.pem"):
        native = load_pem_private_key(path.read_bytes(), password=None)
        traditional = native.private_bytes(
            Encoding.PEM, PrivateFormat.TraditionalOpenSSL, NoEncryption()
        )
        assert b"BEGIN PRIVATE KEY" not in traditional
        (keys_dir / path.name).write_bytes(traditional)
    recorded = (WRITTEN_BY_JWCRYPTO / "jwks.json").read_text().strip()
    assert json.dumps(keys.public_jwks()) == recorded


def test_new_keys_are_unencrypted_pkcs8_pem_files(keys_dir):
    """The format the jwcrypto key store wrote and reads: a rollback still reads new keys."""
    keys.public_jwks()
    for path in keys_dir.glob("*.pem"):
        pem = path.read_bytes()
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
        assert load_pem_private_key(pem, password=None)


def test_an_id_token_hint_is_ours_until_its_key_leaves_the_jwks(keys_dir, settings):
    old = keys.signing_key("RS256")
    hint = keys.sign_jwt(
        {"iss": settings.KIOSQUE_BASE_URL, "aud": "app", "sub": "x"}, "RS256", typ="JWT"
    )
    assert keys.audience_of_our_id_token(hint) == "app"
    keys.rotate(now=old.created + 10, overlap=100)
    assert keys.audience_of_our_id_token(hint) == "app"
    keys.rotate(now=old.created + 200, overlap=100)
    assert keys.audience_of_our_id_token(hint) is None


def test_an_id_token_hint_without_a_kid_is_not_ours(keys_dir, settings):
    """Kiosque's tokens all name their key; the key set is not searched for one that fits."""
    claims = {"iss": settings.KIOSQUE_BASE_URL, "aud": "app", "sub": "x"}
    hint = jwt.encode({"alg": "RS256"}, claims, keys.signing_key("RS256").key, ["RS256"])
    assert keys.audience_of_our_id_token(hint) is None
