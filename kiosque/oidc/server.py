"""The provider core: Authlib's authorization server over Kiosque's own models.

Every customisation goes through Authlib's documented extension points: the server's
`query_client` / `save_token` and token generator, the grants' storage methods
(`save_authorization_code`, `query_authorization_code`, `delete_authorization_code`,
`authenticate_user`, `authenticate_refresh_token`, `revoke_old_credential`), the OpenID
Connect extension's `generate_user_info` / `resolve_client_private_key` / claims methods,
PKCE (`CodeChallenge`), RFC 7523 client assertions, and the RFC 7009 / 7662 endpoints.

On top of the library: the access gate and the account rule at every issuance, codes and
refresh tokens claimed once with a conditional UPDATE (safe across nodes), a replayed code or
refresh token revoking its whole token family, and the sign-in context (acr, amr,
auth_time, sid) in ID tokens.
"""

import base64
import binascii
import contextvars
import functools
import logging
import time
import uuid
from datetime import timedelta
from urllib.parse import unquote_plus

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import (
    InvalidGrantError,
    InvalidRequestError,
    UnauthorizedClientError,
)
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import OpenIDCode, UserInfo
from django.urls import reverse

from kiosque.core import ratelimit
from kiosque.oidc import audit, keys, lookup, registry, tokens
from kiosque.oidc import claims as claim_sets
from kiosque.oidc.app_settings import SCOPES, oidc_settings
from kiosque.oidc.models import AuthorizationCode, Client, Token

log = logging.getLogger("kiosque.oidc")

# Methods a client may authenticate with at the token endpoint (each client has one).
TOKEN_AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "none"]
# Introspection and revocation: confidential clients only.
ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]
ASSERTION_SIGNING_ALGS = ["RS256", "PS256", "ES256"]
ASSERTION_MAX_LIFETIME_SECONDS = 300


def may_use(user, client: Client, grant_exists: bool | None = None) -> bool:
    """The account is usable and still has access to the client's application."""
    from kiosque.portal.services.access import has_access, has_access_given

    if user is None or client is None:
        return False
    if grant_exists is None:
        return has_access(user, client.application)
    return has_access_given(user, client.application, grant_exists)


def token_queryset():
    """Tokens with what the refresh grant reads about them in the same query: client and
    application, user with subject and profile, and whether the access grant is active.
    (Userinfo, introspection and revocation read them through lookup.py, without the ORM.)"""
    from kiosque.portal.services.access import active_grant_exists

    return Token.objects.select_related(
        "client__application", "user", *(f"user__{name}" for name in tokens.USER_RELATED)
    ).annotate(grant_exists=active_grant_exists("user_id", "client__application_id"))


def revoke_family(family) -> None:
    """Revoke every token of a family (a replayed code or refresh token, RFC 9700 §4.14)."""
    if family:
        Token.objects.filter(family=family, revoked_at__isnull=True).update(revoked_at=tokens.now())


def _note_replay(reason: str, user, client) -> None:
    audit.note(
        audit.AuditAction.TOKEN_REVOKED,
        actor=user,
        outcome=audit.AuditOutcome.DENIED,
        context={"reason": reason, "client": str(client)},
    )


# --- client authentication -------------------------------------------------------------


class PrivateKeyJWT(JWTBearerClientAssertion):
    """private_key_jwt (OIDC Core §9, RFC 7523): an assertion signed with the client's key,
    checked against its registered JWKS, accepted once (jti), nbf and exp with 60 s leeway
    (Authlib's claims registry), at most five minutes of lifetime."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self):
        super().__init__(validate_jti=True, leeway=60)

    def __call__(self, query_client, request):
        # A refused assertion is a failed authentication like a wrong secret: the server
        # then answers invalid_client with 401 (RFC 6749 §5.2), never says why.
        from authlib.oauth2.rfc6749.errors import InvalidClientError

        try:
            return super().__call__(query_client, request)
        except InvalidClientError:
            log.info("private_key_jwt refused")
            return None

    def get_audiences(self):
        base = oidc_settings.ISSUER
        token_url = base + reverse("oidc:token")
        return [base, base + "/", token_url, token_url.rstrip("/")]

    def resolve_client_public_key(self, client):
        from joserfc.jwk import KeySet

        return KeySet.import_key_set(client.jwks or {"keys": []})

    def verify_claims(self, claims):
        super().verify_claims(claims)
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or expires - time.time() > (
            ASSERTION_MAX_LIFETIME_SECONDS
        ):
            from authlib.oauth2.rfc6749.errors import InvalidClientError

            raise InvalidClientError(description="Assertion lifetime too long.")

    def validate_jti(self, claims, jti):
        remember = int(claims["exp"] - time.time()) + 60
        return ratelimit.first_use(f"oidc-jti:{claims['sub']}:{jti}", remember_seconds=remember)


# --- grants ----------------------------------------------------------------------------


class PKCE(CodeChallenge):
    """RFC 7636 with S256 only (RFC 9700 §2.1.1); required of public clients. A verifier for
    a code issued without a challenge is refused by Authlib (PKCE downgrade)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_verifier(self, grant, result):
        challenge = self.get_authorization_code_challenge(grant.request.authorization_code)
        if not challenge and grant.request.form.get("code_verifier"):
            # The code is not valid for this request (RFC 9700 §2.1.1): invalid_grant.
            raise InvalidGrantError("This code was issued without a code_challenge.")
        return super().validate_code_verifier(grant, result)


_id_token_client: contextvars.ContextVar[Client | None] = contextvars.ContextVar(
    "kiosque_oidc_id_token_client", default=None
)


class KiosqueOpenIDCode(OpenIDCode):
    """ID tokens: Kiosque's claims, the sign-in's acr/amr/auth_time/sid, signed with the key
    store's key of the client's algorithm (RS256 by default, ES256 per client)."""

    def exists_nonce(self, nonce, request):
        return AuthorizationCode.objects.filter(client=request.client, nonce=nonce).exists()

    def get_client_algorithm(self, client):
        return client.id_token_signed_response_alg or "RS256"

    def resolve_client_private_key(self, client):
        return keys.signing_key(self.get_client_algorithm(client)).key

    def get_encode_header(self, client):
        alg = self.get_client_algorithm(client)
        return {"alg": alg, "typ": "JWT", "kid": keys.signing_key(alg).kid}

    def get_client_claims(self, client):
        now = int(time.time())
        return {
            "iss": oidc_settings.ISSUER,
            "aud": [client.client_id],
            "iat": now,
            "exp": now + oidc_settings.ID_TOKEN_SECONDS,
            "jti": str(uuid.uuid4()),
        }

    def get_authorization_code_claims(self, authorization_code):
        data = super().get_authorization_code_claims(authorization_code)
        data["sid"] = str(authorization_code.sign_in.sid)
        return data

    def generate_user_info(self, user, scope):
        return UserInfo(claim_sets.user_claims(user, scope.split(), _id_token_client.get()))

    def encode_id_token(self, token, request):
        # The claims of the `roles` scope depend on the client, which Authlib does not pass
        # to generate_user_info: it is handed over in a context variable (this extension
        # object is shared by every request and thread).
        marker = _id_token_client.set(request.client)
        try:
            return super().encode_id_token(token, request)
        finally:
            _id_token_client.reset(marker)


class ClaimLost(Exception):
    """A code or refresh token was claimed by another request meanwhile (a replay)."""

    def __init__(self, reason, family, user, client):
        super().__init__(reason)
        self.reason, self.family, self.user, self.client = reason, family, user, client


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_AUTH_METHODS

    def generate_authorization_code(self):
        return tokens.new_secret()

    def save_authorization_code(self, code, request):
        data = request.payload.data
        AuthorizationCode.objects.create(
            code_hash=tokens.code_hash(code),
            client=request.client,
            sign_in=request.kiosque_sign_in,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            nonce=data.get("nonce", ""),
            code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", "S256")
            if data.get("code_challenge")
            else "",
            expires_at=tokens.now() + timedelta(seconds=oidc_settings.CODE_SECONDS),
        )

    def query_authorization_code(self, code, client):
        from kiosque.portal.services.access import active_grant_exists

        found = (
            AuthorizationCode.objects.select_related(
                "sign_in__user", *(f"sign_in__user__{name}" for name in tokens.USER_RELATED)
            )
            .annotate(
                grant_exists=active_grant_exists("sign_in__user_id", "client__application_id")
            )
            .filter(code_hash=tokens.code_hash(code), client=client)
            .first()
        )
        if found is None:
            return None
        if found.redeemed_at is not None:
            revoke_family(found.family)
            _note_replay("authorization_code_replayed", found.sign_in.user, client)
            return None
        if found.expires_at <= tokens.now() or found.sign_in.ended_at is not None:
            return None
        return found

    def validate_token_request(self):
        super().validate_token_request()  # Authlib's checks, then PKCE (its hook)
        code = self.request.authorization_code
        if not may_use(code.sign_in.user, self.request.client, code.grant_exists):
            raise InvalidGrantError("The access to this application has ended.")
        # Single use across nodes: only one request turns redeemed_at from NULL.
        claimed = AuthorizationCode.objects.filter(pk=code.pk, redeemed_at__isnull=True).update(
            redeemed_at=tokens.now()
        )
        if not claimed:
            raise ClaimLost(
                "authorization_code_replayed", code.family, code.sign_in.user, self.request.client
            )

    def delete_authorization_code(self, authorization_code):
        # Already claimed (redeemed_at) in validate_token_request; the row stays so that a
        # second redemption is recognised and revokes the tokens of the first.
        return None

    def authenticate_user(self, authorization_code):
        return authorization_code.sign_in.user


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = TOKEN_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token):
        found = (
            token_queryset()
            .select_related("sign_in")
            .filter(refresh_token_hash=tokens.token_hash(refresh_token))
            .first()
        )
        if found is None:
            return None
        if found.rotated_at is not None:
            # Used twice: whoever holds the newer token may be the thief (RFC 9700 §4.14.2).
            revoke_family(found.family)
            _note_replay("refresh_token_replayed", found.user, found.client)
            return None
        if found.revoked_at is not None or found.refresh_expires_at <= tokens.now():
            return None
        if (found.sign_in is not None and found.sign_in.ended_at is not None) or not may_use(
            found.user, found.client, found.grant_exists
        ):
            revoke_family(found.family)
            return None
        return found

    def authenticate_user(self, refresh_token):
        return refresh_token.user

    def revoke_old_credential(self, refresh_token):
        rotated = Token.objects.filter(pk=refresh_token.pk, rotated_at__isnull=True).update(
            rotated_at=tokens.now(), revoked_at=tokens.now()
        )
        if not rotated:
            raise ClaimLost(
                "refresh_token_replayed", refresh_token.family, refresh_token.user,
                refresh_token.client,
            )  # fmt: skip


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]

    def validate_token_request(self):
        super().validate_token_request()
        # No user to check: the application itself must still be in the catalogue.
        if not self.request.client.application.is_active:
            raise UnauthorizedClientError("The application of this client is deactivated.")


# --- introspection and revocation ----------------------------------------------------------


class Presented:
    """A token presented to introspection or revocation: the row, which of its two tokens
    was presented (Authlib's TokenMixin methods, per kind), and whether the access grant is
    active (lookup.Found)."""

    def __init__(self, found, kind: str):
        self.row, self.kind, self.grant_exists = found.token, kind, found.grant_exists

    def check_client(self, client):
        return self.row.check_client(client)

    def is_expired(self):
        if self.kind == "access_token":
            return self.row.is_expired()
        return self.row.refresh_expires_at <= tokens.now()

    def is_revoked(self):
        return self.row.revoked_at is not None


def find_presented(token_string: str, hint: str | None) -> Presented | None:
    """The token, whichever of the two it is (the hint is only a hint, RFC 7009 §2.1): one
    hand-written query over both unique indexes (lookup.by_either_token)."""
    digest = tokens.token_hash(token_string)
    found = lookup.by_either_token(digest)
    if found is None:
        return None
    kind = "access_token" if found.token.access_token_hash == digest else "refresh_token"
    return Presented(found, kind)


class Introspection(IntrospectionEndpoint):
    """RFC 7662 for resource servers: a client introspects the tokens issued to it, or every
    token when it is registered as a resource server."""

    CLIENT_AUTH_METHODS = ENDPOINT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return find_presented(token_string, token_type_hint)

    def check_permission(self, token, client, request):
        return token.check_client(client) or client.may_introspect_all

    def introspect_token(self, token):
        row = token.row
        if row.user is not None and not may_use(row.user, row.client, token.grant_exists):
            return {"active": False}
        if row.user is None and not row.client.application.is_active:
            return {"active": False}
        data = {
            "active": True,
            "token_type": "Bearer" if token.kind == "access_token" else "refresh_token",
            "scope": row.scope,
            "client_id": row.client.client_id,
            "iss": oidc_settings.ISSUER,
            "iat": int(row.issued_at.timestamp()),
        }
        if row.user is not None:
            data["sub"] = claim_sets.subject_of(row.user)
        if token.kind == "access_token":
            data["exp"] = int(row.expires_at.timestamp())
        else:
            data["exp"] = int(row.refresh_expires_at.timestamp())
        return data


class Revocation(RevocationEndpoint):
    """RFC 7009: revoking either token of an issuance revokes both."""

    CLIENT_AUTH_METHODS = ENDPOINT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return find_presented(token_string, token_type_hint)

    def revoke_token(self, token, request):
        Token.objects.filter(pk=token.row.pk, revoked_at__isnull=True).update(
            revoked_at=tokens.now()
        )
        audit.note(
            audit.AuditAction.TOKEN_REVOKED,
            actor=token.row.user,
            context={"reason": "revocation_endpoint", "client": str(token.row.client)},
        )


# --- the server ----------------------------------------------------------------------------


def authenticate_form_encoded_basic(query_client, request):
    """`client_secret_basic` as RFC 6749 §2.3.1 has it: the client id and secret are
    form-encoded before Base64, so `+` is a space and `%2B` a plus (Authlib's own reader
    decodes them as URL paths: a secret with a space or a plus never matched)."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id or not secret:
        return None
    client = query_client(unquote_plus(client_id))
    if client is not None and client.check_client_secret(unquote_plus(secret)):
        return client
    return None


class KiosqueAuthorizationServer(AuthorizationServer):
    def __init__(self):
        super().__init__(Client, Token)
        self.scopes_supported = list(SCOPES)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                access_token_generator=lambda **_kwargs: tokens.new_secret(),
                refresh_token_generator=lambda **_kwargs: tokens.new_secret(),
                expires_generator=lambda client, grant_type: oidc_settings.ACCESS_TOKEN_SECONDS,
            ),
        )
        self.register_client_auth_method("client_secret_basic", authenticate_form_encoded_basic)
        self.register_client_auth_method(PrivateKeyJWT.CLIENT_AUTH_METHOD, PrivateKeyJWT())
        self.register_grant(AuthorizationCodeGrant, [PKCE(required=True), KiosqueOpenIDCode()])
        self.register_grant(RefreshTokenGrant)
        self.register_grant(ClientCredentialsGrant)
        self.register_endpoint(Introspection)
        self.register_endpoint(Revocation)

    def query_client(self, client_id):
        return registry.find(client_id)

    def save_token(self, token, request):
        issued = tokens.now()
        expires = issued + timedelta(seconds=int(token["expires_in"]))
        code = getattr(request, "authorization_code", None)
        previous = getattr(request, "refresh_token", None)
        sign_in, family = None, None
        if code is not None:
            sign_in, family = code.sign_in, code.family
        elif isinstance(previous, Token):
            sign_in, family = previous.sign_in, previous.family
        refresh = token.get("refresh_token")
        row = Token.objects.create(
            client=request.client,
            user=request.user,
            sign_in=sign_in,
            family=family,
            access_token_hash=tokens.token_hash(token["access_token"]),
            refresh_token_hash=tokens.token_hash(refresh) if refresh else None,
            scope=token.get("scope", ""),
            issued_at=issued,
            expires_at=expires,
            refresh_expires_at=(
                expires + timedelta(seconds=oidc_settings.REFRESH_TOKEN_SECONDS)
                if refresh
                else None
            ),
        )
        context = {"client": str(request.client), "grant_type": request.payload.grant_type}
        if sign_in is not None:
            context["sid"] = str(sign_in.sid)
        audit.note(audit.AuditAction.TOKEN_ISSUED, actor=request.user, context=context)
        return row

    def send_signal(self, name, *args, **kwargs):
        # Nothing in Kiosque listens to Authlib's Django signals.
        return None


@functools.cache
def server() -> KiosqueAuthorizationServer:
    return KiosqueAuthorizationServer()


__all__ = [
    "ClaimLost",
    "InvalidRequestError",
    "may_use",
    "revoke_family",
    "server",
    "token_queryset",
]
