"""The provider's records: clients, subjects, sign-ins, authorization codes and tokens."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_grant_types() -> list[str]:
    return ["authorization_code", "refresh_token"]


def default_response_types() -> list[str]:
    return ["code"]


class Client(models.Model):
    """The OpenID Connect client of one application of the catalogue, with its protocol data.

    Implements the client interface of Authlib's authorization server (ClientMixin): the
    server asks it which redirect URIs, grants, response types and authentication method it
    may use.
    """

    class AuthMethod(models.TextChoices):
        SECRET_BASIC = "client_secret_basic", _("secret (HTTP Basic)")
        PRIVATE_KEY_JWT = "private_key_jwt", _("clé privée (private_key_jwt)")
        NONE = "none", _("aucune (client public, PKCE obligatoire)")

    class SigningAlg(models.TextChoices):
        RS256 = "RS256", "RS256"
        ES256 = "ES256", "ES256"

    application = models.OneToOneField(
        "portal.Application",
        verbose_name=_("application du catalogue"),
        on_delete=models.CASCADE,
        related_name="oidc_client",
    )
    client_id = models.CharField(_("client_id"), max_length=100, unique=True)
    # HMAC-SHA-256 of the secret under the token hash key (see tokens.secret_hash).
    client_secret_hash = models.CharField(max_length=64, blank=True)
    # A secret migrated from django-oauth-toolkit (a Django password hash): verified with
    # check_password once, then replaced by client_secret_hash.
    legacy_secret_hash = models.CharField(max_length=255, blank=True)
    redirect_uris = models.JSONField(_("adresses de retour (redirect_uri)"), default=list)
    post_logout_redirect_uris = models.JSONField(_("adresses après déconnexion"), default=list)
    grant_types = models.JSONField(_("types d'autorisation"), default=default_grant_types)
    response_types = models.JSONField(_("types de réponse"), default=default_response_types)
    token_endpoint_auth_method = models.CharField(
        _("authentification au point de jeton"),
        max_length=32,
        choices=AuthMethod.choices,
        default=AuthMethod.SECRET_BASIC,
    )
    jwks = models.JSONField(
        _("clés publiques du client (JWKS)"),
        default=dict,
        blank=True,
        help_text=_("Pour private_key_jwt : le JWKS public de l'application."),
    )
    id_token_signed_response_alg = models.CharField(
        _("signature des jetons d'identité"),
        max_length=8,
        choices=SigningAlg.choices,
        default=SigningAlg.RS256,
    )
    backchannel_logout_uri = models.URLField(
        _("adresse de déconnexion (back-channel)"),
        blank=True,
        help_text=_("Reçoit un logout_token quand l'utilisateur se déconnecte de Kiosque."),
    )
    may_introspect_all = models.BooleanField(
        _("serveur de ressources"),
        default=False,
        help_text=_("Peut introspecter les jetons émis pour les autres applications."),
    )
    secret_rotated_at = models.DateTimeField(_("secret changé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("client OpenID Connect")
        verbose_name_plural = _("clients OpenID Connect")

    def __str__(self):
        return str(self.application)

    # --- Authlib's ClientMixin -----------------------------------------------------------

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        # Never a default: OIDC Core §3.1.2.1 requires redirect_uri in every request.
        return None

    def get_allowed_scope(self, scope):
        from kiosque.oidc.app_settings import SCOPES

        if not scope:
            return "openid"
        requested = scope.split()
        return " ".join(value for value in requested if value in SCOPES)

    def check_redirect_uri(self, redirect_uri):
        # Simple string comparison (OIDC Core §3.1.2.1): no loopback port leeway.
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        from kiosque.oidc import tokens

        return tokens.check_client_secret(self, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if endpoint == "token":
            return method == self.token_endpoint_auth_method
        # Introspection and revocation: confidential clients, with their own method.
        return method == self.token_endpoint_auth_method and method != self.AuthMethod.NONE

    def check_response_type(self, response_type):
        return response_type in self.response_types and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type):
        return grant_type in self.grant_types

    @property
    def is_public(self) -> bool:
        return self.token_endpoint_auth_method == self.AuthMethod.NONE


class Subject(models.Model):
    """The stable, opaque `sub` of a user: never the login, never reused."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_subject"
    )
    sub = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("identifiant OpenID Connect")
        verbose_name_plural = _("identifiants OpenID Connect")

    def __str__(self):
        return str(self.sub)


class SignIn(models.Model):
    """One sign-in to Kiosque (a browser session): how the user authenticated, and `sid`."""

    sid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_sign_ins"
    )
    session_hash = models.CharField(max_length=64, db_index=True)
    amr = models.JSONField(default=list)
    acr = models.CharField(max_length=64)
    auth_time = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("session d'authentification unique")
        verbose_name_plural = _("sessions d'authentification unique")

    def __str__(self):
        return f"{self.user_id} {self.auth_time:%Y-%m-%d %H:%M}"


class AuthorizationCode(models.Model):
    """One authorization code, stored only as its keyed hash (tokens.code_hash).

    Kept after redemption (`redeemed_at`): a second redemption is refused and revokes the
    tokens of the first one (RFC 6749 §4.1.2), which carry the code's `family`.
    Implements Authlib's AuthorizationCodeMixin (OpenID Connect's).
    """

    code_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    sign_in = models.ForeignKey(SignIn, on_delete=models.CASCADE, related_name="codes")
    redirect_uri = models.TextField()
    scope = models.TextField()
    nonce = models.CharField(max_length=255, blank=True)
    code_challenge = models.CharField(max_length=128, blank=True)
    code_challenge_method = models.CharField(max_length=8, blank=True)
    family = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("code d'autorisation")
        verbose_name_plural = _("codes d'autorisation")

    def __str__(self):
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M}"

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce or None

    def get_auth_time(self):
        return int(self.sign_in.auth_time.timestamp())

    def get_acr(self):
        return self.sign_in.acr

    def get_amr(self):
        return list(self.sign_in.amr or ())


class Token(models.Model):
    """One issuance of the token endpoint: an access token and, for users, a refresh token,
    both stored only as keyed hashes (tokens.token_hash).

    `family` links the tokens a code's redemption started through their rotations: a
    replayed code or refresh token revokes the family. Implements Authlib's TokenMixin.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="oidc_tokens",
    )
    sign_in = models.ForeignKey(
        SignIn, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    access_token_hash = models.CharField(max_length=64, unique=True)
    refresh_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    family = models.UUIDField(null=True, blank=True, db_index=True)
    scope = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    # Rotated: the refresh token was exchanged for the next one (a second use is a replay).
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton émis")
        verbose_name_plural = _("jetons émis")

    def __str__(self):
        return f"{self.client_id} {self.issued_at:%Y-%m-%d %H:%M}"

    def check_client(self, client):
        return self.client_id == client.pk

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return int((self.expires_at - self.issued_at).total_seconds())

    def is_expired(self):
        return self.expires_at <= timezone.now()

    def is_revoked(self):
        return self.revoked_at is not None
