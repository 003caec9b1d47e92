"""The provider's secrets at rest: codes, tokens and client secrets as keyed hashes.

Every stored value is the HMAC-SHA-256 of the secret under the token hash key
(oidc_settings.token_hash_key, from the environment), one purpose per kind: a copy of the
database, its write-ahead log or a backup gives nothing that can be presented back. Lookups
go through the unique index on the hash; the secrets themselves are 256-bit random values,
so a fast keyed hash is enough (no slow password hash, no per-process memo).
"""

import hmac
import secrets

from django.contrib.auth.hashers import check_password
from django.utils import timezone

from kiosque.core.crypto import keyed_hash
from kiosque.oidc import registry
from kiosque.oidc.app_settings import oidc_settings

# What the token endpoints read about a client with it: the catalogue application the access
# gate checks.
CLIENT_RELATED = ("application",)
# What the claims read about a user: the subject (`sub`) and the professional profile.
USER_RELATED = ("oidc_subject", "professional_profile")


def new_secret() -> str:
    """A 256-bit random value (codes, tokens, client secrets), URL-safe."""
    return secrets.token_urlsafe(32)


def _hash(value: str, purpose: str) -> str:
    return keyed_hash(value, key=oidc_settings.token_hash_key, purpose=purpose)


def code_hash(code: str) -> str:
    return _hash(code, "oidc.code")


def token_hash(token: str) -> str:
    return _hash(token, "oidc.token")


def secret_hash(secret: str) -> str:
    return _hash(secret, "oidc.client-secret")


def check_client_secret(client, presented: str) -> bool:
    """The secret `client` was given, compared in constant time. A secret migrated from
    django-oauth-toolkit is verified with Django's check_password once and re-hashed."""
    if not presented:
        return False
    if client.client_secret_hash:
        return hmac.compare_digest(client.client_secret_hash, secret_hash(presented))
    if client.legacy_secret_hash and check_password(presented, client.legacy_secret_hash):
        type(client).objects.filter(pk=client.pk).update(
            client_secret_hash=secret_hash(presented), legacy_secret_hash=""
        )
        client.client_secret_hash, client.legacy_secret_hash = secret_hash(presented), ""
        registry.changed()  # an update() sends no signal
        return True
    return False


def now():
    return timezone.now()
