"""The provider's own records beside django-oauth-toolkit's (clients, subjects, sign-ins)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken


class Client(models.Model):
    """The OpenID Connect client of one application of the catalogue.

    The protocol data (client_id, hashed secret, redirect URIs, grant type) live in
    django-oauth-toolkit's Application; this adds what Kiosque needs around it.
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
    oauth_application = models.OneToOneField(
        "oauth2_provider.Application",
        verbose_name=_("client OAuth"),
        on_delete=models.CASCADE,
        related_name="kiosque_client",
    )
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


class Authorization(models.Model):
    """One authorization code issued, and the token family its redemption started.

    Kept after redemption: a second redemption of the same code is detected here and
    revokes the tokens the first one gave (RFC 6749 §4.1.2).
    """

    code_hash = models.CharField(max_length=64, unique=True)
    sign_in = models.ForeignKey(SignIn, on_delete=models.CASCADE, related_name="authorizations")
    oauth_application = models.ForeignKey(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    token_family = models.UUIDField(null=True, blank=True, db_index=True)
    access_token_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("autorisation émise")
        verbose_name_plural = _("autorisations émises")

    def __str__(self):
        return f"{self.oauth_application_id} {self.created_at:%Y-%m-%d %H:%M}"


# django-oauth-toolkit's token tables, shown in the back-office under French names (the
# toolkit's models have none). Proxies: no table of their own.
class IssuedAccessToken(AccessToken):
    class Meta:
        proxy = True
        verbose_name = _("jeton d'accès")
        verbose_name_plural = _("jetons d'accès")


class IssuedRefreshToken(RefreshToken):
    class Meta:
        proxy = True
        verbose_name = _("jeton de rafraîchissement")
        verbose_name_plural = _("jetons de rafraîchissement")


class IssuedIDToken(IDToken):
    class Meta:
        proxy = True
        verbose_name = _("jeton d'identité")
        verbose_name_plural = _("jetons d'identité")


class IssuedGrant(Grant):
    class Meta:
        proxy = True
        verbose_name = _("code d'autorisation")
        verbose_name_plural = _("codes d'autorisation")
