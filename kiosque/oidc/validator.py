"""django-oauth-toolkit's request validator, adapted to Kiosque.

On top of the toolkit: client authentication per client (secret in HTTP Basic or
private_key_jwt, never a secret in the body), exact redirect URIs, PKCE for public clients,
the access gate and account state at every token issuance, authorization codes redeemed
once (a replay revokes what the first redemption gave), sign-in context (acr, amr,
auth_time, sid) in ID tokens, Kiosque's claims, and ID tokens signed with the key store.
"""

import contextlib
import contextvars
import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from jwcrypto import jwt
from oauth2_provider.models import (
    AccessToken,
    Application,
    Grant,
    IDToken,
    RefreshToken,
    refresh_token_expire_timedelta,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from kiosque.oidc import audit, client_auth, keys
from kiosque.oidc import claims as claim_sets
from kiosque.oidc.models import Authorization, Client

log = logging.getLogger("kiosque.oidc")

# Client secrets are random 64-character tokens (flows/clients.new_secret): a slow hash adds
# nothing against guessing them, yet it cost one argon2 verification per token, introspection
# and revocation request. A secret verified once is remembered by this process, keyed by the
# stored hash (a rotated secret has a new hash) and the SHA-256 of the secret presented.
_VERIFIED_SECRETS: set[tuple[str, bytes]] = set()
_VERIFIED_SECRETS_MAX = 1000

# What the token endpoints read about a client, in the query that loads it: its Kiosque
# client and the catalogue application the access gate checks.
CLIENT_RELATED = ("kiosque_client__application",)
# What the claims read about a user: the subject (`sub`) and the professional profile.
USER_RELATED = ("oidc_subject", "professional_profile")


# The clients loaded during the current request, by client_id: the authorization endpoint
# reads its client up to five times (each oauthlib request starts with none). Only within one
# request (`clients_cached_for_this_request`), so a changed client is seen by the next one.
_request_clients: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "kiosque_oidc_request_clients", default=None
)


@contextlib.contextmanager
def clients_cached_for_this_request():
    token = _request_clients.set({})
    try:
        yield
    finally:
        _request_clients.reset(token)


def load_client(client_id: str) -> Application | None:
    """The client with its Kiosque client and catalogue application, read once per request
    inside `clients_cached_for_this_request`."""
    cache = _request_clients.get()
    if cache is not None and client_id in cache:
        return cache[client_id]
    application = (
        Application.objects.select_related(*CLIENT_RELATED).filter(client_id=client_id).first()
    )
    if cache is not None:
        cache[client_id] = application
    return application


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def kiosque_client(application) -> Client | None:
    if application is None:
        return None
    try:
        return application.kiosque_client
    except Client.DoesNotExist:
        return None


def may_use(user, application) -> bool:
    """The account is usable and still has access to the client's application."""
    from kiosque.portal.services.access import has_access

    client = kiosque_client(application)
    return client is not None and user is not None and has_access(user, client.application)


def revoke_family(token_family) -> None:
    if token_family:
        RefreshToken.revoke_family(token_family)


class KiosqueValidator(OAuth2Validator):
    oidc_claim_scope = None  # claims.user_claims applies the scopes itself

    # --- client authentication ---------------------------------------------------------

    def _load_application(self, client_id, request):
        # The toolkit's lookup, with the Kiosque client and its catalogue application joined
        # (read by every token request: authentication method, access gate). The toolkit
        # still decides whether the application is usable.
        if not request.client and client_id:
            request.client = load_client(client_id)
        return super()._load_application(client_id, request)

    def _auth_method(self, request) -> str:
        client = kiosque_client(request.client)
        return client.token_endpoint_auth_method if client else Client.AuthMethod.SECRET_BASIC

    def _check_secret(self, provided_secret, stored_secret):
        key = (stored_secret, hashlib.sha256(str(provided_secret).encode()).digest())
        if key in _VERIFIED_SECRETS:
            return True
        if not super()._check_secret(provided_secret, stored_secret):
            return False
        if len(_VERIFIED_SECRETS) >= _VERIFIED_SECRETS_MAX:
            _VERIFIED_SECRETS.clear()
        _VERIFIED_SECRETS.add(key)
        return True

    def client_authentication_required(self, request, *args, **kwargs):
        if getattr(request, "client_assertion", None):
            return True
        return super().client_authentication_required(request, *args, **kwargs)

    def authenticate_client(self, request, *args, **kwargs):
        assertion = getattr(request, "client_assertion", None)
        if assertion:
            return self._authenticate_private_key_jwt(request, assertion)
        if not self._authenticate_basic_auth(request):
            return False  # a secret in the request body is not accepted
        return self._auth_method(request) == Client.AuthMethod.SECRET_BASIC

    def _authenticate_private_key_jwt(self, request, assertion: str) -> bool:
        if getattr(request, "client_assertion_type", None) != client_auth.ASSERTION_TYPE:
            return False
        client_id = client_auth.unverified_issuer(assertion)
        if not client_id or (request.client_id and request.client_id != client_id):
            return False
        if self._load_application(client_id, request) is None:
            return False
        client = kiosque_client(request.client)
        if client is None or client.token_endpoint_auth_method != Client.AuthMethod.PRIVATE_KEY_JWT:
            return False
        try:
            client_auth.verify(assertion, client_id, client.jwks)
        except client_auth.AssertionError_:
            log.info("private_key_jwt refused for client %s", client_id)
            return False
        request.client_id = client_id
        return True

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        if not super().authenticate_client_id(client_id, request, *args, **kwargs):
            return False
        return self._auth_method(request) == Client.AuthMethod.NONE

    # --- authorization request -----------------------------------------------------------

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        # Simple string comparison (OIDC Core §3.1.2.1): no loopback port leeway.
        return redirect_uri in request.client.redirect_uris.split()

    def is_pkce_required(self, client_id, request):
        if self._load_application(client_id, request) is None:
            return True
        return request.client.client_type == request.client.CLIENT_PUBLIC

    def validate_silent_login(self, request):
        # The authorization view answers login_required itself when nobody is signed in.
        return True

    def validate_silent_authorization(self, request):
        # First-party applications: no consent to ask for (the access gate is in the view).
        return True

    def save_authorization_code(self, client_id, code, request, *args, **kwargs):
        sign_in = getattr(request, "kiosque_sign_in", None)
        if sign_in is None:
            raise errors.ServerError(description="no sign-in context", request=request)
        super().save_authorization_code(client_id, code, request, *args, **kwargs)
        Authorization.objects.create(
            code_hash=code_hash(code["code"]), sign_in=sign_in, oauth_application=request.client
        )

    # --- token request: authorization code -------------------------------------------------

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        authorization = (
            Authorization.objects.select_related("sign_in")
            .filter(code_hash=code_hash(code), oauth_application=client)
            .first()
        )
        if authorization is not None and authorization.redeemed_at is not None:
            self._revoke_replayed(authorization)
            return False
        if authorization is None or authorization.sign_in.ended_at is not None:
            return False
        if not self._validate_grant(code, client, request):
            return False
        if request.code_verifier and not request.kiosque_grant.code_challenge:
            # RFC 9700 §2.1.1 (PKCE downgrade): a verifier for a code issued without a
            # challenge means the challenge was stripped from the authorization request.
            return False
        if not may_use(request.user, client):
            return False
        request.kiosque_sign_in = authorization.sign_in
        request.kiosque_authorization = authorization
        return True

    def _validate_grant(self, code, client, request) -> bool:
        """The toolkit's validate_code, with the user joined; the grant is kept on the request
        for the PKCE and nonce lookups that follow (the toolkit reads it three more times)."""
        grant = (
            Grant.objects.select_related(*(f"user__{name}" for name in USER_RELATED))
            .filter(code=code, application=client)
            .first()
        )
        if grant is None or grant.is_expired():
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        request.kiosque_grant = grant
        return True

    @staticmethod
    def _validated_grant(code, request):
        grant = getattr(request, "kiosque_grant", None)
        if (
            isinstance(grant, Grant)
            and grant.code == code
            and grant.application_id == getattr(request.client, "pk", None)
        ):
            return grant
        return None

    def confirm_redirect_uri(self, client_id, code, redirect_uri, client, *args, **kwargs):
        request = args[0] if args else kwargs.get("request")
        grant = self._validated_grant(code, request) if request is not None else None
        if grant is None:
            return super().confirm_redirect_uri(
                client_id, code, redirect_uri, client, *args, **kwargs
            )
        return grant.redirect_uri_allowed(redirect_uri)

    def get_code_challenge(self, code, request):
        grant = self._validated_grant(code, request)
        if grant is None:
            return super().get_code_challenge(code, request)
        return grant.code_challenge or None

    def get_code_challenge_method(self, code, request):
        grant = self._validated_grant(code, request)
        if grant is None:
            return super().get_code_challenge_method(code, request)
        return grant.code_challenge_method or None

    def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
        grant = self._validated_grant(code, request)
        if grant is None:
            return super().get_authorization_code_nonce(client_id, code, redirect_uri, request)
        return grant.nonce or None

    def _revoke_replayed(self, authorization) -> None:
        revoke_family(authorization.token_family)
        if authorization.access_token_id:
            AccessToken.objects.filter(pk=authorization.access_token_id).delete()
        audit.note(
            audit.AuditAction.TOKEN_REVOKED,
            actor=authorization.sign_in.user,
            outcome=audit.AuditOutcome.DENIED,
            context={
                "reason": "authorization_code_replayed",
                "client": str(authorization.oauth_application),
            },
        )

    def save_bearer_token(self, token, request, *args, **kwargs):
        saved = super().save_bearer_token(token, request, *args, **kwargs)
        sign_in = getattr(request, "kiosque_sign_in", None)
        context = {"client": str(request.client), "grant_type": request.grant_type}
        if sign_in is not None:
            context["sid"] = str(sign_in.sid)
        audit.note(audit.AuditAction.TOKEN_ISSUED, actor=request.user, context=context)
        return saved

    def _save_bearer_token(self, token, request, *args, **kwargs):
        authorization = getattr(request, "kiosque_authorization", None)
        if request.grant_type == "authorization_code":
            locked = Authorization.objects.select_for_update().get(pk=authorization.pk)
            if locked.redeemed_at is not None:
                raise errors.InvalidGrantError(request=request)
        request.kiosque_created = {}
        super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code":
            access = request.kiosque_created.get("access")
            if access is None:  # the toolkit returned a token issued earlier
                access = AccessToken.objects.get(token_checksum=code_hash(token["access_token"]))
            refresh = request.kiosque_created.get("refresh")
            if refresh is None:
                refresh = RefreshToken.objects.filter(access_token=access).first()
            Authorization.objects.filter(pk=authorization.pk).update(
                redeemed_at=timezone.now(),
                access_token_id=access.pk,
                token_family=refresh.token_family if refresh else None,
            )

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        saved = getattr(request, "id_token", None)
        if token.get("id_token") and isinstance(saved, IDToken):
            # The ID token finalize_id_token signed and saved for this response: the toolkit
            # would verify its signature and read it back by jti.
            access_token = AccessToken(
                user=request.user,
                scope=token["scope"],
                expires=expires,
                id_token=saved,
                application=request.client,
                source_refresh_token=source_refresh_token,
                resource=getattr(request, "resource", []),
            )
            self._set_token_value(access_token, token["access_token"])
            access_token.save()
        else:
            access_token = super()._create_access_token(
                expires, request, token, source_refresh_token
            )
        created = getattr(request, "kiosque_created", None)
        if created is not None:
            created["access"] = access_token
        return access_token

    def _create_refresh_token(self, request, refresh_token_code, access_token, previous):
        refresh = super()._create_refresh_token(request, refresh_token_code, access_token, previous)
        created = getattr(request, "kiosque_created", None)
        if created is not None:
            created["refresh"] = refresh
        return refresh

    # --- token request: refresh token ------------------------------------------------------

    def _toolkit_validate_refresh_token(self, refresh_token, client, request) -> bool:
        """django-oauth-toolkit 3.4's validate_refresh_token, unchanged but for the joins: the
        user (with what the claims read) and the application come with the refresh token
        instead of two more queries."""
        checksum = code_hash(refresh_token)
        rt = (
            RefreshToken.objects.filter(token_checksum=checksum)
            .select_related(
                "access_token", "application", "user", *(f"user__{n}" for n in USER_RELATED)
            )
            .order_by(F("revoked").desc(nulls_first=True))
            .first()
        )
        if not rt:
            return False
        if rt.revoked is not None:
            grace_expired = rt.revoked <= timezone.now() - timedelta(
                seconds=oauth2_settings.REFRESH_TOKEN_GRACE_PERIOD_SECONDS
            )
            superseded = AccessToken.objects.filter(source_refresh_token=rt).exists()
            if grace_expired or not superseded:
                if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and rt.token_family:
                    RefreshToken.revoke_family(rt.token_family)
                audit.note(
                    audit.AuditAction.TOKEN_REVOKED,
                    actor=rt.user,
                    outcome=audit.AuditOutcome.DENIED,
                    context={
                        "reason": "refresh_token_replayed",
                        "client": str(rt.application),
                    },
                )
                return False
        if rt.revoked is None:
            if rt.access_token is None:
                return False
            expire_delta = refresh_token_expire_timedelta()
            if expire_delta and rt.access_token.expires + expire_delta <= timezone.now():
                return False
        request.user = rt.user
        request.refresh_token = refresh_token
        request.refresh_token_instance = rt
        return rt.application == client

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not self._toolkit_validate_refresh_token(refresh_token, client, request):
            return False
        family = request.refresh_token_instance.token_family
        authorization = (
            Authorization.objects.select_related("sign_in").filter(token_family=family).first()
        )
        if (
            authorization is None
            or authorization.sign_in.ended_at is not None
            or not may_use(request.user, client)
        ):
            revoke_family(family)
            return False
        request.kiosque_sign_in = authorization.sign_in
        return True

    # --- resource requests (userinfo) -------------------------------------------------------

    def _load_access_token(self, token):
        return (
            AccessToken.objects.select_related(
                "application",
                "user",
                *(f"application__{name}" for name in CLIENT_RELATED),
                *(f"user__{name}" for name in USER_RELATED),
            )
            .filter(token_checksum=code_hash(token))
            .first()
        )

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        access_token = request.access_token
        return may_use(access_token.user, access_token.application)

    # --- ID token and claims --------------------------------------------------------------

    def get_oidc_issuer_endpoint(self, request):
        return settings.KIOSQUE_BASE_URL

    def get_discovery_claims(self, request):
        return claim_sets.supported_claims()

    def get_oidc_claims(self, token, token_handler, request):
        client = kiosque_client(request.client)
        return claim_sets.user_claims(request.user, request.scopes, client)

    def get_userinfo_claims(self, request):
        client = kiosque_client(request.access_token.application)
        return claim_sets.user_claims(request.user, request.access_token.scope.split(), client)

    def get_id_token_dictionary(self, token, token_handler, request):
        id_claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        sign_in = getattr(request, "kiosque_sign_in", None)
        if sign_in is not None:
            id_claims.update(
                auth_time=int(sign_in.auth_time.timestamp()),
                acr=sign_in.acr,
                amr=sign_in.amr,
                sid=str(sign_in.sid),
            )
        return id_claims, expiration_time

    def finalize_id_token(self, id_token, token, token_handler, request):
        id_claims, expiration_time = self.get_id_token_dictionary(token, token_handler, request)
        id_token.update(**id_claims)
        if "nonce" not in id_token and request.nonce:
            id_token["nonce"] = request.nonce
        client = kiosque_client(request.client)
        alg = client.id_token_signed_response_alg if client else "RS256"
        serialized = sign_jwt(id_token, alg, typ="JWT")
        with transaction.atomic():
            saved = self._save_id_token(id_token["jti"], request, expiration_time)
        request.access_token = saved
        request.id_token = saved
        return serialized

    def _get_key_for_token(self, token):
        return keys.verification_keyset()


def sign_jwt(payload: dict, alg: str, typ: str) -> str:
    key = keys.signing_key(alg)
    header = {"typ": typ, "alg": alg, "kid": key.kid}
    token = jwt.JWT(header=json.dumps(header), claims=json.dumps(payload, default=str))
    token.make_signed_token(key.key)
    return token.serialize()
