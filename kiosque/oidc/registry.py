"""The client registry: the OpenID Connect clients (with their catalogue application) the
token, introspection and revocation endpoints authenticate, served from Django's cache.

Clients are configuration: read on every request, changed a few times a year. An entry is
the client as the database gave it, stored under the registry's generation; any change of a
client or an application (signals, `changed()`) sets a new generation, so every entry stored
before it is ignored from then on. The generation is set once the change is committed (and
also at once, for the changing transaction itself): a reader that read the old row before
the commit stored it under the old generation, which no longer matches. With Redis every
node and worker sees the new generation at its next request; with the local-memory cache it
is per process, and another process keeps its entries at most `CLIENT_CACHE_SECONDS`
(docs/architecture.md, "Client registry").

Nothing secret in clear is cached: the secret is a keyed hash (tokens.secret_hash); a client
still holding a secret migrated from django-oauth-toolkit (a password hash, re-hashed at its
first use) is never cached. When the cache is unreachable the database answers.
"""

import functools
import hashlib
import logging
import uuid

import django
from django.core.cache import cache
from django.db import transaction

from kiosque.oidc.app_settings import oidc_settings
from kiosque.oidc.models import Client

log = logging.getLogger("kiosque.oidc")


@functools.cache
def _prefix() -> str:
    # Entries are pickled model instances: a new field or Django version gets new keys.
    from kiosque.portal.models import Application

    models = (Client, Application)
    names = [field.name for model in models for field in model._meta.get_fields() if field.concrete]
    schema = hashlib.sha256(" ".join([django.get_version(), *names]).encode()).hexdigest()
    return f"oidc-client:{schema[:12]}:"


def _generation_key() -> str:
    return _prefix() + "generation"


def _entry_key(client_id: str) -> str:
    # Hashed: a client_id comes from the request, any length and any characters.
    return _prefix() + hashlib.sha256(client_id.encode()).hexdigest()


def _from_database(client_id: str) -> Client | None:
    return Client.objects.select_related("application").filter(client_id=client_id).first()


def find(client_id: str) -> Client | None:
    """The client `client_id` with its application, or None."""
    seconds = oidc_settings.CLIENT_CACHE_SECONDS
    if seconds <= 0:
        return _from_database(client_id)
    key = _entry_key(client_id)
    try:
        found = cache.get_many([key, _generation_key()])
        generation = found.get(_generation_key()) or _start_generation()
    except Exception:  # cache unreachable: the database answers
        log.warning("client registry cache unavailable, reading the database")
        return _from_database(client_id)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    client = _from_database(client_id)
    if client is not None and generation and not client.legacy_secret_hash:
        try:
            cache.set(key, (generation, client), timeout=seconds)
        except Exception:
            log.warning("client registry cache unavailable, client not cached")
    return client


def _start_generation() -> str | None:
    """A first generation when the cache has none (new, cleared or evicted); None when
    another request set one meanwhile (nothing is stored this time)."""
    generation = uuid.uuid4().hex
    return generation if cache.add(_generation_key(), generation, timeout=None) else None


def changed() -> None:
    """A client or an application changed: the entries stored until now are ignored."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(_generation_key(), uuid.uuid4().hex, timeout=None)
    except Exception:
        log.warning(
            "client registry cache unavailable: cached clients may stay until they expire "
            "(KIOSQUE_OIDC_CLIENT_CACHE_SECONDS)"
        )
