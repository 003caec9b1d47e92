"""Registering an application of the catalogue as an OpenID Connect client."""

import secrets

from django.db import transaction
from django.utils import timezone

from kiosque.oidc import tokens
from kiosque.oidc.models import Client


def new_secret() -> str:
    """A 256-bit random client secret."""
    return tokens.new_secret()


def new_client_id() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def register(
    application,
    *,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] = (),
    backchannel_logout_uri: str = "",
    auth_method: str = Client.AuthMethod.SECRET_BASIC,
    jwks: dict | None = None,
    client_id: str | None = None,
    secret: str | None = None,
    id_token_alg: str = Client.SigningAlg.RS256,
    grant_types: list[str] | None = None,
    may_introspect_all: bool = False,
) -> tuple[Client, str]:
    """A new client for `application`; returns it with its secret in clear (shown once)."""
    confidential = auth_method == Client.AuthMethod.SECRET_BASIC
    secret = (secret or new_secret()) if confidential else ""
    client = Client.objects.create(
        application=application,
        client_id=client_id or new_client_id(),
        client_secret_hash=tokens.secret_hash(secret) if secret else "",
        redirect_uris=list(redirect_uris),
        post_logout_redirect_uris=list(post_logout_redirect_uris),
        grant_types=list(grant_types or ["authorization_code", "refresh_token"]),
        token_endpoint_auth_method=auth_method,
        jwks=jwks or {},
        backchannel_logout_uri=backchannel_logout_uri,
        id_token_signed_response_alg=id_token_alg,
        may_introspect_all=may_introspect_all,
    )
    return client, secret


@transaction.atomic
def set_addresses(
    client: Client,
    *,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] = (),
    backchannel_logout_uri: str = "",
) -> Client:
    """Point an existing client at new addresses (its secret and keys stay)."""
    client.redirect_uris = list(redirect_uris)
    client.post_logout_redirect_uris = list(post_logout_redirect_uris)
    client.backchannel_logout_uri = backchannel_logout_uri
    client.save(
        update_fields=["redirect_uris", "post_logout_redirect_uris", "backchannel_logout_uri"]
    )
    return client


@transaction.atomic
def rotate_secret(client: Client) -> str:
    """A new 256-bit secret (the old one stops working at once); returned in clear, once."""
    secret = new_secret()
    client.client_secret_hash = tokens.secret_hash(secret)
    client.legacy_secret_hash = ""
    client.secret_rotated_at = timezone.now()
    client.save(update_fields=["client_secret_hash", "legacy_secret_hash", "secret_rotated_at"])
    return secret
