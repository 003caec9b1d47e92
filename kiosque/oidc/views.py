"""The provider's endpoints: thin layers over django-oauth-toolkit and the flows."""

import calendar
import functools
import hashlib
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.signals import app_authorized
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.oidc import claims, keys, signins
from kiosque.oidc.conf import SCOPES
from kiosque.oidc.validator import (
    CLIENT_RELATED,
    clients_cached_for_this_request,
    kiosque_client,
    load_client,
    may_use,
)


def _url(name: str) -> str:
    return settings.KIOSQUE_BASE_URL + reverse(name)


def discovery(request):
    response = HttpResponse(_discovery_json(settings.KIOSQUE_BASE_URL), "application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@functools.lru_cache(maxsize=4)
def _discovery_json(base_url: str) -> bytes:
    """The discovery document, built once per process (it depends on settings only)."""
    data = {
        "issuer": settings.KIOSQUE_BASE_URL,
        "authorization_endpoint": _url("oidc:authorize"),
        "token_endpoint": _url("oidc:token"),
        "userinfo_endpoint": _url("oidc:userinfo"),
        "jwks_uri": _url("oidc:jwks"),
        "end_session_endpoint": _url("oidc:logout"),
        "introspection_endpoint": _url("oidc:introspect"),
        "revocation_endpoint": _url("oidc:revoke"),
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(keys.ALGORITHMS),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "private_key_jwt",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": claims.supported_claims(),
        "acr_values_supported": [claims.ACR_PSC, claims.ACR_MFA],
        "prompt_values_supported": ["none", "login"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "ui_locales_supported": ["fr"],
    }
    return json.dumps(data).encode()


def jwks(request):
    response = HttpResponse(_jwks_json(keys.all_keys()), "application/json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={keys.JWKS_MAX_AGE_SECONDS}"
    return response


_jwks_bodies: dict[tuple, bytes] = {}


def _jwks_json(current_keys: list) -> bytes:
    """The public keys, serialised once per key set (keys.all_keys() notices rotations)."""
    key_set = tuple((key.kid, key.alg, key.created) for key in current_keys)
    body = _jwks_bodies.get(key_set)
    if body is None:
        if len(_jwks_bodies) >= 8:
            _jwks_bodies.clear()
        body = json.dumps({"keys": [key.public_jwk() for key in current_keys]}).encode()
        _jwks_bodies[key_set] = body
    return body


def _access_request_url(application) -> str:
    for name in ("portal:request", "portal:access_request", "portal:request_access"):
        try:
            return reverse(name, args=[application.slug])
        except NoReverseMatch:
            continue
    try:
        return reverse("portal:catalogue")
    except NoReverseMatch:
        return "/applications/"


@method_decorator(never_cache, name="dispatch")
class AuthorizeView(dot_views.AuthorizationView):
    """The authorization endpoint: sign-in freshness, then the access gate, then DOT."""

    def dispatch(self, request, *args, **kwargs):
        with clients_cached_for_this_request():
            return super().dispatch(request, *args, **kwargs)

    def validate_authorization_request(self, request):
        # Called by get() below and again by DOT's get(): one validation per request.
        if not hasattr(self, "_validated"):
            self._validated = super().validate_authorization_request(request)
        return self._validated

    def get(self, request, *args, **kwargs):
        try:
            _scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        application = load_client(credentials["client_id"])
        prompt = set(request.GET.get("prompt", "").split())
        if "login" in prompt:
            signins.require_reauthentication(request)
            return self.handle_prompt_login()
        if signins.needs_reauthentication(request, self._max_age(request)):
            if "none" in prompt:
                return self._error_redirect(credentials, application, "login_required")
            signins.require_reauthentication(request)
            return self.handle_prompt_login() if "prompt" in request.GET else self._to_login()
        client = kiosque_client(application)
        if not may_use(request.user, application):
            record(
                AuditAction.PERMISSION_DENIED,
                request=request,
                outcome=AuditOutcome.DENIED,
                context={"oidc_client": application.name, "reason": "no_access"},
            )
            if "none" in prompt:
                return self._error_redirect(credentials, application, "access_denied")
            return render(
                request,
                "oidc/no_access.html",
                {
                    "application": client.application if client else None,
                    "request_url": _access_request_url(client.application) if client else "",
                },
                status=403,
            )
        self.sign_in = signins.current(request)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # Every client is first-party (skip_authorization): there is no consent form to post.
        return self.http_method_not_allowed(request, *args, **kwargs)

    def create_authorization_response(self, request, scopes, credentials, allow):
        credentials = {**credentials, "kiosque_sign_in": self.sign_in}
        return super().create_authorization_response(request, scopes, credentials, allow)

    def redirect(self, redirect_to, application):
        response = super().redirect(redirect_to, application)
        if self._after_a_kiosque_page():
            # Reached through Kiosque's sign-in forms: a redirect to the application would
            # be part of the form submission's redirect chain, which the CSP form-action
            # 'self' of those pages forbids. A new navigation from this page is allowed.
            return render(
                self.request,
                "oidc/continue.html",
                {"url": response["Location"], "application": application},
            )
        return response

    def _after_a_kiosque_page(self) -> bool:
        referer = self.request.headers.get("Referer", "")
        return referer.startswith(settings.KIOSQUE_BASE_URL + "/")

    @staticmethod
    def _max_age(request) -> int | None:
        value = request.GET.get("max_age", "")
        return int(value) if value.isdigit() else None

    def render_to_response(self, context, **kwargs):
        """A request too broken to redirect back (unknown client, bad redirect URI): our French
        error page, not DOT's English template."""
        if "error" not in context:
            return super().render_to_response(context, **kwargs)
        from django.utils.translation import gettext as _

        from kiosque.core.views import error_page

        return error_page(
            self.request,
            kwargs.get("status") or 400,
            _("Demande de connexion invalide"),
            _(
                "L'application qui vous a envoyé ici a fait une demande de connexion invalide. "
                "Revenez à l'application et réessayez ; si le problème persiste, contactez son "
                "support."
            ),
        )

    def _to_login(self):
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(self.request.get_full_path(), settings.LOGIN_URL)

    def _error_redirect(self, credentials, application, error):
        params = {"error": error}
        if credentials.get("state"):
            params["state"] = credentials["state"]
        params["iss"] = settings.KIOSQUE_BASE_URL
        uri = credentials["redirect_uri"]
        separator = "&" if "?" in uri else "?"
        return self.redirect(uri + separator + urlencode(params), application)


class TokenView(dot_views.TokenView):
    """The toolkit's token endpoint. It reads the access token it just issued back from the
    database to send `app_authorized`; nothing in Kiosque listens to that signal, so the
    read is skipped unless a receiver is connected."""

    @method_decorator(sensitive_post_parameters("password", "client_secret"))
    def authorization_flow_token_response(self, request, *args, **kwargs):
        if app_authorized.has_listeners(self):
            return super().authorization_flow_token_response(request, *args, **kwargs)
        _url, headers, body, status = self.create_token_response(request)
        response = HttpResponse(content=body, status=status)
        for key, value in headers.items():
            response[key] = value
        return response


@method_decorator(csrf_exempt, name="dispatch")
class IntrospectView(OAuthLibMixin, View):
    """RFC 7662 for resource servers: a client may introspect the tokens issued to it
    (or every token when it is registered as a resource server)."""

    def post(self, request, *args, **kwargs):
        caller = self._authenticated_client(request)
        if caller is None:
            response = JsonResponse({"error": "invalid_client"}, status=401)
            response["WWW-Authenticate"] = 'Basic realm="kiosque"'
            return response
        token = request.POST.get("token")
        if not token:
            return JsonResponse({"error": "invalid_request"}, status=400)
        return JsonResponse(self._describe(token, caller))

    def _authenticated_client(self, request):
        core = self.get_oauthlib_core()
        uri, http_method, body, headers = core._extract_params(request)
        oauth_request = OauthlibRequest(uri, http_method, body, headers)
        if not core.server.request_validator.authenticate_client(oauth_request):
            return None
        return oauth_request.client

    @staticmethod
    def _describe(token: str, caller) -> dict:
        checksum = hashlib.sha256(token.encode()).hexdigest()
        found = (
            AccessToken.objects.select_related(
                "user",
                "application",
                *(f"application__{name}" for name in CLIENT_RELATED),
                "user__oidc_subject",
            )
            .filter(token_checksum=checksum)
            .first()
        )
        kind = "access"
        if found is None:
            found = (
                RefreshToken.objects.select_related(
                    "user",
                    "application",
                    "access_token",
                    *(f"application__{name}" for name in CLIENT_RELATED),
                    "user__oidc_subject",
                )
                .filter(token_checksum=checksum, revoked__isnull=True)
                .first()
            )
            kind = "refresh"
        if found is None:
            return {"active": False}
        caller_client = kiosque_client(caller)
        if found.application_id != caller.pk and not (
            caller_client and caller_client.may_introspect_all
        ):
            return {"active": False}
        if kind == "access":
            if found.is_expired():
                return {"active": False}
            scope, expires = found.scope, found.expires
        else:
            if found.access_token is None:
                return {"active": False}
            scope, expires = found.access_token.scope, None
        if found.user is None or not may_use(found.user, found.application):
            return {"active": False}
        data = {
            "active": True,
            "token_type": "Bearer" if kind == "access" else "refresh_token",
            "scope": scope,
            "client_id": found.application.client_id,
            "sub": claims.subject_of(found.user),
            "iss": settings.KIOSQUE_BASE_URL,
            "iat": calendar.timegm(found.created.utctimetuple()),
        }
        if expires is not None:
            data["exp"] = calendar.timegm(expires.utctimetuple())
        return data


class LogoutView(dot_views.RPInitiatedLogoutView):
    """RP-initiated logout; signing out of Kiosque also tells the other applications."""

    template_name = "oidc/logout_confirm.html"
