"""The keys that sign ID tokens and logout tokens: PEM files in KIOSQUE_OIDC_KEYS_DIR.

Each file is named `<unix time of creation>-<alg>.pem`. For each algorithm the newest key
signs; the older ones stay published in the JWKS until their tokens have expired, then
`kiosque rotate-oidc-keys` removes them (rotation with overlap). A dev or training instance
creates its first keys itself; production expects the operator to provide them (run
`kiosque rotate-oidc-keys` once with KIOSQUE_OIDC_KEYS_DIR on the shared volume, or drop
PEM files made by other tooling there: PKCS#8, or PKCS#1 for RSA and SEC1 for EC, unencrypted).
The kid of a key is its RFC 7638 thumbprint, so it does not depend on the file or the library.
"""

import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, JWKRegistry, KeySet, RSAKey

from kiosque.core import app_settings as core_settings
from kiosque.oidc.app_settings import oidc_settings

ALGORITHMS = ("RS256", "ES256")
JWKS_MAX_AGE_SECONDS = 3600

_lock = threading.Lock()
_cache: dict = {"signature": None, "keys": []}
_verification: tuple = ((), KeySet([]))  # (kids, their public keys), replaced whole

_KEY_TYPES = {"RS256": RSAKey, "ES256": ECKey}
_PUBLISHED_ELSEWHERE = ("kty", "kid", "alg", "use")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: str
    created: int
    key: RSAKey | ECKey  # private, with its kid, alg and use (sig)
    path: Path

    def public_jwk(self) -> dict:
        data = self.key.as_dict(private=False)
        members = {name: value for name, value in data.items() if name not in _PUBLISHED_ELSEWHERE}
        # The member order of the JWKS published before joserfc: the body stays the same.
        return {"kty": data["kty"], "kid": self.kid, **members, "alg": self.alg, "use": "sig"}


def keys_dir() -> Path:
    return Path(oidc_settings.KEYS_DIR)


def _generate(alg: str) -> RSAKey | ECKey:
    parameters = {"alg": alg, "use": "sig"}
    if alg == "RS256":
        key = RSAKey.generate_key(2048, parameters)
    else:
        key = ECKey.generate_key("P-256", parameters)
    key.ensure_kid()
    return key


def _load(pem: bytes, alg: str) -> RSAKey | ECKey:
    key = _KEY_TYPES[alg].import_key(pem, {"alg": alg, "use": "sig"})
    key.ensure_kid()  # the RFC 7638 thumbprint
    return key


def _parse_name(path: Path) -> tuple[int, str] | None:
    stem, _, alg = path.stem.partition("-")
    if path.suffix != ".pem" or alg not in ALGORITHMS or not stem.isdigit():
        return None
    return int(stem), alg


def _signature(directory: Path) -> tuple:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except FileNotFoundError:
        return ()
    return tuple((e.name, e.stat().st_mtime_ns) for e in entries if e.name.endswith(".pem"))


def _read(directory: Path) -> list[SigningKey]:
    keys = []
    for path in sorted(directory.glob("*.pem")):
        parsed = _parse_name(path)
        if parsed is None:
            continue
        key = _load(path.read_bytes(), parsed[1])
        keys.append(SigningKey(key.kid, parsed[1], parsed[0], key, path))
    keys.sort(key=lambda k: (k.alg, -k.created, k.kid))
    return keys


def write_new_key(alg: str, directory: Path | None = None, now: int | None = None) -> SigningKey:
    directory = directory or keys_dir()
    directory.mkdir(parents=True, exist_ok=True)
    created = int(now if now is not None else time.time())
    key = _generate(alg)
    # Written aside, then linked into place: another process (a second node) listing the
    # directory never reads a half-written key, and link() refuses an existing name.
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.as_pem(private=True))
            handle.flush()
            os.fsync(handle.fileno())
        while True:
            path = directory / f"{created}-{alg}.pem"
            try:
                os.link(temporary, path)
                break
            except FileExistsError:
                created += 1
    finally:
        os.unlink(temporary)
    return SigningKey(key.kid, alg, created, key, path)


def all_keys() -> list[SigningKey]:
    """Every key on disk (newest first per algorithm), re-read when the directory changes."""
    directory = keys_dir()
    with _lock:
        signature = _signature(directory)
        if signature != _cache["signature"]:
            _cache["keys"] = _read(directory)
            _cache["signature"] = signature
        keys = _cache["keys"]
    missing = [alg for alg in ALGORITHMS if not any(k.alg == alg for k in keys)]
    if missing:
        if core_settings.ENV == "production":
            raise ImproperlyConfigured(
                f"No OpenID Connect signing key in {directory}: run `kiosque rotate-oidc-keys` "
                "or set KIOSQUE_OIDC_KEYS_DIR to the directory holding the keys."
            )
        for alg in missing:
            write_new_key(alg, directory)
        return all_keys()
    return keys


def signing_key(alg: str) -> SigningKey:
    return next(k for k in all_keys() if k.alg == alg)


def public_jwks() -> dict:
    return {"keys": [k.public_jwk() for k in all_keys()]}


def verification_keyset() -> KeySet:
    """The public keys of all_keys(), made once per key set."""
    global _verification
    current = all_keys()
    kids = tuple(key.kid for key in current)
    known, keyset = _verification
    if known != kids:
        keyset = KeySet([JWKRegistry.import_key(key.public_jwk()) for key in current])
        _verification = (kids, keyset)
    return keyset


def claims_of_our_id_token(token: str) -> dict | None:
    """The claims of an ID token Kiosque signed (expired or not, its sign-in ended or not),
    with exactly one audience; None for anything else."""
    try:
        # jwt.decode verifies the signature, not the claims: exp is not checked (an
        # expired hint is fine). The key is the one named by the token's kid.
        claims = jwt.decode(token, verification_keyset(), algorithms=list(ALGORITHMS)).claims
    except (JoseError, ValueError, TypeError):
        return None
    if not isinstance(claims, dict) or claims.get("iss") != core_settings.BASE_URL:
        return None
    audience = claims.get("aud")
    audience = [audience] if isinstance(audience, str) else audience
    if not isinstance(audience, list) or len(audience) != 1 or not isinstance(audience[0], str):
        return None
    return {**claims, "aud": audience[0]}


def audience_of_our_id_token(token: str) -> str | None:
    """The client an ID token was issued to, if Kiosque signed it; None otherwise."""
    claims = claims_of_our_id_token(token)
    return claims["aud"] if claims else None


def sign_jwt(payload: dict, alg: str, typ: str) -> str:
    """`payload` signed with the current key of `alg` (logout tokens)."""
    key = signing_key(alg)
    header = {"typ": typ, "alg": alg, "kid": key.kid}
    return jwt.encode(header, payload, key.key, algorithms=[alg], encoder_cls=_ClaimsEncoder)


class _ClaimsEncoder(json.JSONEncoder):
    """Claims that are not JSON types (a UUID, a date) are written as their str()."""

    def default(self, o):
        return str(o)


def overlap_seconds() -> int:
    """How long a replaced key stays published: its last ID token's life, plus JWKS caching."""
    from kiosque.oidc.app_settings import oidc_settings

    return oidc_settings.ID_TOKEN_SECONDS + JWKS_MAX_AGE_SECONDS


def rotate(now: int | None = None, overlap: int | None = None) -> tuple[list, list]:
    """A new key per algorithm; drop the keys replaced more than `overlap` seconds ago."""
    now = int(now if now is not None else time.time())
    overlap = overlap_seconds() if overlap is None else overlap
    directory = keys_dir()
    created = [write_new_key(alg, directory, now) for alg in ALGORITHMS]
    removed = []
    for alg in ALGORITHMS:
        generation = sorted((k for k in _read(directory) if k.alg == alg), key=lambda k: -k.created)
        for newer, older in zip(generation, generation[1:], strict=False):
            if now - newer.created >= overlap:
                older.path.unlink(missing_ok=True)
                removed.append(older)
    return created, removed
