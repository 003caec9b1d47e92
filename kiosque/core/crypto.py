"""Encryption of secrets at rest (TOTP keys) with the keys of app_settings.FIELD_KEYS.

The keys are Fernet keys, newest first: `encrypt` always uses the first one, `decrypt`
accepts a token made with any of them, and `rotate` re-encrypts a token with the first.
To rotate: put a new key in front of KIOSQUE_FIELD_KEYS, deploy, run
`kiosque rotate-field-keys`, then drop the old key.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

from kiosque.core import app_settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "keyed_hash", "rotate"]


@functools.lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("KIOSQUE_FIELD_KEYS must hold at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "KIOSQUE_FIELD_KEYS holds a key that is not a valid Fernet key."
        ) from error


def _cipher() -> MultiFernet:
    return _multi_fernet(tuple(app_settings.FIELD_KEYS))


def encrypt(text: str) -> str:
    return _cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The clear text; raises InvalidToken when no configured key opens the token."""
    return _cipher().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same secret encrypted with the newest key (old keys only need to decrypt)."""
    return _cipher().rotate(token.encode()).decode()


def keyed_hash(value: str, *, key: bytes, purpose: str) -> str:
    """HMAC-SHA-256 of `value` under `key`, separated by `purpose` (hex, 64 characters).

    For secrets Kiosque only ever compares (tokens, codes, client secrets): a copy of the
    table without the key gives nothing usable. Compare two results with `hmac.compare_digest`.
    """
    message = purpose.encode() + b"\x00" + value.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
