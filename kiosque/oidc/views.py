"""The provider's endpoints: thin layers over django-oauth-toolkit and the flows."""

import base64
import calendar
import functools
import hashlib
import json
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider import views as dot_views
from oauth2_provider.exceptions import InvalidIDTokenError, OAuthToolkitError
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.signals import app_authorized
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.common import Request as OauthlibRequest

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.mfa import levels
from kiosque.mfa.flows import step_up
from kiosque.oidc import audit, claims, client_auth, keys, protocol, signins
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
        "response_modes_supported": list(protocol.RESPONSE_MODES),
        "grant_types_supported": list(protocol.GRANT_TYPES),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(keys.ALGORITHMS),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "private_key_jwt",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": client_auth.ALLOWED_ALGS,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "introspection_endpoint_auth_signing_alg_values_supported": client_auth.ALLOWED_ALGS,
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "revocation_endpoint_auth_signing_alg_values_supported": client_auth.ALLOWED_ALGS,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": claims.supported_claims(),
        "acr_values_supported": claims.supported_acr_values(),  # strongest first
        "prompt_values_supported": list(protocol.PROMPT_VALUES),
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "frontchannel_logout_supported": False,
        "ui_locales_supported": list(protocol.UI_LOCALES),
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


def _with_iss(url: str) -> str:
    """The redirect to the client with RFC 9207's `iss`, on success and error alike."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "iss" for name, _value in query):
        return url
    query.append(("iss", settings.KIOSQUE_BASE_URL))
    return urlunsplit(parts._replace(query=urlencode(query)))


@method_decorator(csrf_exempt, name="dispatch")  # OIDC Core §3.1.2.1: GET and POST
@method_decorator(never_cache, name="dispatch")
class AuthorizeView(dot_views.AuthorizationView):
    """The authorization endpoint: the request checked, then sign-in freshness, the access
    gate and the authentication level, then DOT issues the code.

    POST (form-encoded) is handled as GET: the parameters come from the body, which DOT and
    oauthlib read as well. No state changes here that a cross-site POST could abuse beyond
    what the same GET does, hence no CSRF token (it would break the relying parties).
    """

    def dispatch(self, request, *args, **kwargs):
        with clients_cached_for_this_request():
            if request.method not in ("GET", "HEAD", "POST"):
                return View.dispatch(self, request, *args, **kwargs)  # OPTIONS, or 405
            self.params = request.POST if request.method == "POST" else request.GET
            refused = self._refuse_invalid_request(request)
            if refused is not None:
                return refused
            return super().dispatch(request, *args, **kwargs)

    def _refuse_invalid_request(self, request):
        """OIDC Core §3.1.2.2: validate the request before anything else (sign-in too)."""
        if request.method == "POST" and request.content_type != "application/x-www-form-urlencoded":
            return self._invalid_request_page()
        if not self.params.get("redirect_uri"):
            # Required by OIDC Core §3.1.2.1; without it there is nowhere safe to redirect to
            # (RFC 6749 §4.1.2.1), so the user gets the error page.
            return self._invalid_request_page()
        try:
            _scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        problem = protocol.authorization_request_error(self.params)
        if problem is not None:
            error, description = problem
            application = load_client(credentials["client_id"])
            return self._error_redirect(credentials, application, error, description)
        return None

    def validate_authorization_request(self, request):
        # Called by dispatch, by get() below and again by DOT's get(): one validation.
        if not hasattr(self, "_validated"):
            self._validated = super().validate_authorization_request(request)
        return self._validated

    def handle_no_permission(self):
        """Nobody signed in: login_required for prompt=none, the sign-in page otherwise."""
        _scopes, credentials = self.validate_authorization_request(self.request)
        if "none" in self._prompt():
            application = load_client(credentials["client_id"])
            return self._error_redirect(credentials, application, "login_required")
        return self._to_login()

    def get(self, request, *args, **kwargs):
        _scopes, credentials = self.validate_authorization_request(request)
        application = load_client(credentials["client_id"])
        prompt = self._prompt()
        if prompt & {"login", "select_account"}:
            # select_account: the sign-in page, where the user can sign in with another
            # account (a browser holds one Kiosque session, so there is nothing to pick).
            signins.require_reauthentication(request)
            return self._to_login()
        if signins.needs_reauthentication(request, self._max_age()):
            if "none" in prompt:
                return self._error_redirect(credentials, application, "login_required")
            signins.require_reauthentication(request)
            return self._to_login()
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
        required = self._required_level(client)
        if not levels.at_least(claims.LEVEL_OF_ACR.get(self.sign_in.acr), required):
            # Never a token claiming less than required. prompt=none: login_required (no
            # page may be shown); else step-up, then back here with the same request.
            if "none" in prompt:
                return self._error_redirect(
                    credentials,
                    application,
                    "login_required",
                    "The required authentication level is not met.",
                )
            step_up.begin(
                request,
                required,
                next_url=f"{reverse('oidc:authorize')}?{self.params.urlencode()}",
                application=client.application.name if client else "",
            )
            return redirect("mfa:step_up")
        # prompt=consent: consent is the access grant checked above (first-party clients).
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # The authorization request sent as a form (OIDC Core §3.1.2.1). Every client is
        # first-party (skip_authorization): there is no consent form posted back here.
        return self.get(request, *args, **kwargs)

    def create_authorization_response(self, request, scopes, credentials, allow):
        credentials = {**credentials, "kiosque_sign_in": self.sign_in}
        return super().create_authorization_response(request, scopes, credentials, allow)

    def redirect(self, redirect_to, application):
        response = super().redirect(_with_iss(redirect_to), application)
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

    def _required_level(self, client) -> str | None:
        """The stronger of the application's required level and what acr_values asks."""
        requested = claims.requested_level(self.params.get("acr_values", "").split())
        own = client.application.required_level if client is not None else None
        return max((own, requested), key=levels.rank)

    def _prompt(self) -> set[str]:
        return set(self.params.get("prompt", "").split())

    def _max_age(self) -> int | None:
        value = self.params.get("max_age", "")
        return int(value) if value.isdigit() else None

    def render_to_response(self, context, **kwargs):
        """A request too broken to redirect back (unknown client, bad redirect URI): our French
        error page, not DOT's English template."""
        if "error" not in context:
            return super().render_to_response(context, **kwargs)
        return self._invalid_request_page(kwargs.get("status") or 400)

    def _invalid_request_page(self, status=400):
        from django.utils.translation import gettext as _

        from kiosque.core.views import error_page

        return error_page(
            self.request,
            status,
            _("Demande de connexion invalide"),
            _(
                "L'application qui vous a envoyé ici a fait une demande de connexion invalide. "
                "Revenez à l'application et réessayez ; si le problème persiste, contactez son "
                "support."
            ),
        )

    def _to_login(self):
        """The sign-in page, then back here with the same request (GET, without the prompt
        values the sign-in satisfies)."""
        from django.contrib.auth.views import redirect_to_login

        params = self.params.copy()
        prompt = [value for value in self._prompt() if value not in ("login", "select_account")]
        if prompt:
            params["prompt"] = " ".join(sorted(prompt))
        else:
            params.pop("prompt", None)
        return redirect_to_login(f"{reverse('oidc:authorize')}?{params.urlencode()}")

    def _error_redirect(self, credentials, application, error, description=None):
        params = {"error": error}
        if description:
            params["error_description"] = description
        if credentials.get("state"):
            params["state"] = credentials["state"]
        uri = credentials["redirect_uri"]
        separator = "&" if "?" in uri else "?"
        return self.redirect(uri + separator + urlencode(params), application)


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _unverified_client_id(request) -> str:
    """The client_id a refused request claimed (for the audit log only, never trusted)."""
    client_id = request.POST.get("client_id", "")
    authorization = request.headers.get("Authorization", "")
    if not client_id and authorization[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            decoded = ""
        client_id = unquote(decoded.partition(":")[0])
    if not client_id and request.POST.get("client_assertion"):
        client_id = client_auth.unverified_issuer(request.POST["client_assertion"]) or ""
    return client_id[:100]


class TokenView(dot_views.TokenView):
    """The toolkit's token endpoint, behind the checks of protocol.token_request_error, with
    its audit events (oidc/audit.py). The toolkit reads the access token it just issued back
    from the database to send `app_authorized`; nothing in Kiosque listens to that signal, so
    the read is skipped unless a receiver is connected."""

    def post(self, request, *args, **kwargs):
        problem = protocol.token_request_error(request)
        if problem is not None:
            return _oauth_error(*problem)
        with audit.collected(request):
            response = super().post(request, *args, **kwargs)
        if response.status_code == 401:
            record(
                AuditAction.LOGIN_FAILED,
                request=request,
                outcome=AuditOutcome.FAILURE,
                context={"reason": "invalid_client", "client_id": _unverified_client_id(request)},
            )
        return response

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
        if len(protocol.client_auth_methods(request)) > 1:
            return _oauth_error("invalid_request", "Use one client authentication method only.")
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


class RevokeView(dot_views.RevokeTokenView):
    """RFC 7009, with one client authentication method per request (RFC 6749 §2.3)."""

    def post(self, request, *args, **kwargs):
        if len(protocol.client_auth_methods(request)) > 1:
            return _oauth_error("invalid_request", "Use one client authentication method only.")
        return super().post(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")  # lost with the toolkit's dispatch
class UserInfoView(dot_views.UserInfoView):
    """OIDC Core §5.3 with RFC 6750's transport rules: the access token in the Authorization
    header, or in a form-encoded POST body (§2.2); never in the query string (§2.3 is not
    offered: the URL ends up in proxy and browser logs). Answers are never cached."""

    def dispatch(self, request, *args, **kwargs):
        response = self._refused(request) if request.method in ("GET", "POST") else None
        if response is None:
            response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response

    @staticmethod
    def _refused(request):
        in_header = request.headers.get("Authorization", "")[:7].lower() == "bearer "
        in_body = request.method == "POST" and "access_token" in request.POST
        if "access_token" in request.GET or (in_header and in_body):
            response = HttpResponse(status=400)
            response["WWW-Authenticate"] = (
                'Bearer realm="kiosque", error="invalid_request", '
                'error_description="Send the access token in the Authorization header."'
            )
            return response
        if not in_header and not in_body:
            # RFC 6750 §3.1: no credentials at all, so no error code.
            response = HttpResponse(status=401)
            response["WWW-Authenticate"] = 'Bearer realm="kiosque"'
            return response
        return None


class LogoutView(dot_views.RPInitiatedLogoutView):
    """RP-initiated logout; signing out of Kiosque also tells the other applications.

    An id_token_hint is used when Kiosque signed it (its signature and issuer), even if it
    expired or its sign-in already ended: it then only names the client, and the user is
    asked to confirm. A hint that is not Kiosque's is ignored."""

    template_name = "oidc/logout_confirm.html"

    def validate_logout_request_user(self, id_token_hint, client_id):
        self.hinted_client_id = None
        try:
            return super().validate_logout_request_user(id_token_hint, client_id)
        except InvalidIDTokenError:
            self.hinted_client_id = keys.audience_of_our_id_token(id_token_hint)
            return None

    def get_request_application(self, id_token, client_id):
        application = super().get_request_application(id_token, client_id)
        if application is None and self.hinted_client_id:
            application = load_client(self.hinted_client_id)
        return application

    def do_logout(
        self, application=None, post_logout_redirect_uri=None, state=None, token_user=None
    ):
        user = self.request.user
        signed_in = user.is_authenticated
        # The toolkit deletes the user's tokens (ID tokens included), then Django's logout
        # ends the sign-in and tells the applications (receivers.on_logout).
        response = super().do_logout(application, post_logout_redirect_uri, state, token_user)
        if signed_in:
            record(
                AuditAction.LOGOUT,
                request=self.request,
                actor=user,
                context={
                    "reason": "rp_initiated",
                    "client": application.client_id if application else "",
                },
            )
        return response
