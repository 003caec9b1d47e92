"""Registering an application of the catalogue as an OpenID Connect client."""

import secrets

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import Application as OAuthApplication

from kiosque.oidc.models import Client


def new_secret() -> str:
    return secrets.token_urlsafe(48)


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
) -> tuple[Client, str]:
    """A new client for `application`; returns it with its secret in clear (shown once)."""
    public = auth_method == Client.AuthMethod.NONE
    secret = (
        ""
        if public or auth_method == Client.AuthMethod.PRIVATE_KEY_JWT
        else (secret or new_secret())
    )
    oauth_application = OAuthApplication(
        name=application.name,
        client_type=OAuthApplication.CLIENT_PUBLIC
        if public
        else OAuthApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=OAuthApplication.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
        skip_authorization=True,
        algorithm=OAuthApplication.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=True,
    )
    if client_id:
        oauth_application.client_id = client_id
    oauth_application.save()
    client = Client.objects.create(
        application=application,
        oauth_application=oauth_application,
        token_endpoint_auth_method=auth_method,
        jwks=jwks or {},
        backchannel_logout_uri=backchannel_logout_uri,
        id_token_signed_response_alg=id_token_alg,
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
    oauth_application = client.oauth_application
    oauth_application.redirect_uris = " ".join(redirect_uris)
    oauth_application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    oauth_application.save(update_fields=["redirect_uris", "post_logout_redirect_uris", "updated"])
    client.backchannel_logout_uri = backchannel_logout_uri
    client.save(update_fields=["backchannel_logout_uri"])
    return client


@transaction.atomic
def rotate_secret(client: Client) -> str:
    """A new secret (the old one stops working at once); returned in clear, once."""
    secret = new_secret()
    oauth_application = client.oauth_application
    oauth_application.client_secret = secret
    oauth_application.hash_client_secret = True
    oauth_application.save(update_fields=["client_secret", "hash_client_secret", "updated"])
    client.secret_rotated_at = timezone.now()
    client.save(update_fields=["secret_rotated_at"])
    return secret
