"""The provider's endpoints: thin Django views over the Authlib server (server.py)."""

import base64
import functools
import json
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from authlib.oauth2.rfc6749.errors import OAuth2Error
from django import forms
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from kiosque.audit.services import AuditAction, AuditOutcome, record
from kiosque.core import app_settings as core_settings
from kiosque.mfa import levels
from kiosque.mfa.flows import step_up
from kiosque.oidc import audit, claims, keys, lookup, protocol, server, signins, tokens
from kiosque.oidc.app_settings import SCOPES
from kiosque.oidc.flows import rp_logout


def _url(name: str) -> str:
    return core_settings.BASE_URL + reverse(name)


DISCOVERY_MAX_AGE_SECONDS = 3600


def discovery(request):
    response = HttpResponse(_discovery_json(core_settings.BASE_URL), "application/json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={DISCOVERY_MAX_AGE_SECONDS}"
    return response


@functools.lru_cache(maxsize=4)
def _discovery_json(base_url: str) -> bytes:
    """The discovery document, built once per process (it depends on settings only)."""
    data = {
        "issuer": core_settings.BASE_URL,
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
        "token_endpoint_auth_signing_alg_values_supported": server.ASSERTION_SIGNING_ALGS,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "introspection_endpoint_auth_signing_alg_values_supported": server.ASSERTION_SIGNING_ALGS,
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "revocation_endpoint_auth_signing_alg_values_supported": server.ASSERTION_SIGNING_ALGS,
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
    query.append(("iss", core_settings.BASE_URL))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _error_redirect(redirect_uri, state, error, description=None):
    """An error back to the client's (validated) redirect URI, with `iss` (RFC 9207)."""
    params = {"error": error}
    if description:
        params["error_description"] = description
    if state:
        params["state"] = state
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(_with_iss(redirect_uri + separator + urlencode(params)))


def _invalid_request_page(request, status=400):
    """A request too broken to redirect back (unknown client, bad redirect URI)."""
    from django.utils.translation import gettext as _

    from kiosque.core.views import error_page

    return error_page(
        request,
        status,
        _("Demande de connexion invalide"),
        _(
            "L'application qui vous a envoyé ici a fait une demande de connexion invalide. "
            "Revenez à l'application et réessayez ; si le problème persiste, contactez son "
            "support."
        ),
    )


@method_decorator(csrf_exempt, name="dispatch")  # OIDC Core §3.1.2.1: GET and POST
@method_decorator(never_cache, name="dispatch")
class AuthorizeView(View):
    """The authorization endpoint: Authlib validates the request (client, exact redirect
    URI, response type, scope, PKCE, nonce, prompt=none), then Kiosque checks what the
    library leaves to it (unsupported parameters, sign-in freshness, the access gate, the
    authentication level), and Authlib issues the code.

    POST (form-encoded) is handled as GET. No state changes here that a cross-site POST could
    abuse beyond what the same GET does, hence no CSRF token (it would break the relying
    parties).
    """

    http_method_names = ["get", "head", "post", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD", "POST"):
            self.params = request.POST if request.method == "POST" else request.GET
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.content_type != "application/x-www-form-urlencoded":
            return _invalid_request_page(request)
        return self.get(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.params.get("redirect_uri"):
            # Required by OIDC Core §3.1.2.1; without it there is nowhere safe to redirect to
            # (RFC 6749 §4.1.2.1), so the user gets the error page.
            return _invalid_request_page(request)
        user = request.user if request.user.is_authenticated else None
        try:
            grant = server.server().get_consent_grant(request, end_user=user)
        except ValueError:
            # Authlib refuses to echo a parameter with control characters into an error
            # description (RFC 6749 §4.1.2.1 restricts its characters): not a request to
            # answer with a redirect.
            return _invalid_request_page(request)
        except OAuth2Error as error:
            if not error.redirect_uri:
                return _invalid_request_page(request)
            problem = protocol.authorization_request_error(self.params)
            if problem is not None:  # what is not offered answers first
                return _error_redirect(error.redirect_uri, self.params.get("state"), *problem)
            return _error_redirect(
                error.redirect_uri, error.state, error.error, error.get_error_description()
            )
        self.grant = grant
        self.client = grant.client
        self.redirect_uri = grant.request.payload.redirect_uri
        problem = protocol.authorization_request_error(self.params)
        if problem is None and self.client.is_public and not self.params.get("code_challenge"):
            problem = ("invalid_request", "PKCE (code_challenge) is required for this client.")
        if problem is not None:
            return self._error(*problem)
        if user is None:
            return self._to_login()
        return self._authorize(request, user)

    def _authorize(self, request, user):
        prompt = self._prompt()
        if prompt & {"login", "select_account"}:
            # select_account: the sign-in page, where the user can sign in with another
            # account (a browser holds one Kiosque session, so there is nothing to pick).
            signins.require_reauthentication(request)
            return self._to_login()
        if signins.needs_reauthentication(request, self._max_age()):
            if "none" in prompt:
                return self._error("login_required")
            signins.require_reauthentication(request)
            return self._to_login()
        client = self.client
        if not server.may_use(user, client):
            record(
                AuditAction.PERMISSION_DENIED,
                request=request,
                outcome=AuditOutcome.DENIED,
                context={"oidc_client": client.application.name, "reason": "no_access"},
            )
            if "none" in prompt:
                return self._error("access_denied")
            return render(
                request,
                "oidc/no_access.html",
                {
                    "application": client.application,
                    "request_url": _access_request_url(client.application),
                },
                status=403,
            )
        sign_in = signins.current(request)
        required = self._required_level(client)
        if not levels.at_least(claims.LEVEL_OF_ACR.get(sign_in.acr), required):
            # Never a token claiming less than required. prompt=none: login_required (no
            # page may be shown); else step-up, then back here with the same request.
            if "none" in prompt:
                return self._error(
                    "login_required", "The required authentication level is not met."
                )
            step_up.begin(
                request,
                required,
                next_url=f"{reverse('oidc:authorize')}?{self.params.urlencode()}",
                application=client.application.name,
            )
            return redirect("mfa:step_up")
        # prompt=consent: consent is the access grant checked above (first-party clients).
        self.grant.request.kiosque_sign_in = sign_in
        response = server.server().create_authorization_response(
            self.grant.request, grant_user=user, grant=self.grant
        )
        if response.status_code != 302:
            return response
        location = _with_iss(response["Location"])
        if self._after_a_kiosque_page():
            # Reached through Kiosque's sign-in forms: a redirect to the application would
            # be part of the form submission's redirect chain, which the CSP form-action
            # 'self' of those pages forbids. A new navigation from this page is allowed.
            return render(
                request,
                "oidc/continue.html",
                {"url": location, "application": client.application},
            )
        return HttpResponseRedirect(location)

    def _error(self, error, description=None):
        return _error_redirect(self.redirect_uri, self.params.get("state"), error, description)

    def _after_a_kiosque_page(self) -> bool:
        referer = self.request.headers.get("Referer", "")
        return referer.startswith(core_settings.BASE_URL + "/")

    def _required_level(self, client) -> str | None:
        """The stronger of the application's required level and what acr_values asks."""
        requested = claims.requested_level(self.params.get("acr_values", "").split())
        return max((client.application.required_level, requested), key=levels.rank)

    def _prompt(self) -> set[str]:
        return set(self.params.get("prompt", "").split())

    def _max_age(self) -> int | None:
        value = self.params.get("max_age", "")
        return int(value) if value.isdigit() else None

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


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
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
        try:
            payload = request.POST["client_assertion"].split(".")[1]
            decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            client_id = str(decoded.get("iss", "")) if isinstance(decoded, dict) else ""
        except (ValueError, IndexError, UnicodeDecodeError):
            client_id = ""
    return client_id[:100]


@csrf_exempt
@require_http_methods(["POST"])
@sensitive_post_parameters("client_secret", "code", "code_verifier", "refresh_token")
def token(request):
    """The token endpoint: checks of protocol.token_request_error, then Authlib's grants,
    with their audit events (oidc/audit.py). A refresh runs in one transaction: the new
    tokens exist only if the old refresh token was claimed."""
    problem = protocol.token_request_error(request)
    if problem is not None:
        return _oauth_error(*problem)
    with audit.collected(request) as events:
        try:
            if request.POST.get("grant_type") == "refresh_token":
                with transaction.atomic():
                    response = server.server().create_token_response(request)
            else:
                response = server.server().create_token_response(request)
        except server.ClaimLost as lost:
            events.clear()  # nothing was issued
            server.revoke_family(lost.family)
            audit.note(
                audit.AuditAction.TOKEN_REVOKED,
                actor=lost.user,
                outcome=audit.AuditOutcome.DENIED,
                context={"reason": lost.reason, "client": str(lost.client)},
            )
            return _oauth_error("invalid_grant", "This grant was already used.")
    if response.status_code == 401:
        record(
            AuditAction.LOGIN_FAILED,
            request=request,
            outcome=AuditOutcome.FAILURE,
            context={"reason": "invalid_client", "client_id": _unverified_client_id(request)},
        )
    return response


def _endpoint(request, name):
    if len(protocol.client_auth_methods(request)) > 1:
        return _oauth_error("invalid_request", "Use one client authentication method only.")
    with audit.collected(request):
        return server.server().create_endpoint_response(name, request)


@csrf_exempt
@require_http_methods(["POST"])
def introspect(request):
    """RFC 7662 (server.Introspection)."""
    return _endpoint(request, "introspection")


@csrf_exempt
@require_http_methods(["POST"])
def revoke(request):
    """RFC 7009 (server.Revocation)."""
    return _endpoint(request, "revocation")


def _bearer_refused(request):
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


def _userinfo(request):
    refused = _bearer_refused(request)
    if refused is not None:
        return refused
    header = request.headers.get("Authorization", "")
    presented = header[7:].strip() if header[:7].lower() == "bearer " else ""
    presented = presented or request.POST.get("access_token", "")
    found = lookup.by_access_token(tokens.token_hash(presented), places=True) if presented else None
    token = found.token if found is not None else None
    if (
        token is None
        or token.is_expired()
        or token.is_revoked()
        or "openid" not in token.scope.split()
        or not server.may_use(token.user, token.client, found.grant_exists)
    ):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = (
            'Bearer realm="kiosque", error="invalid_token", '
            'error_description="The access token is not valid."'
        )
        return response
    scopes = token.scope.split()
    return JsonResponse(claims.user_claims(token.user, scopes, token.client, found.professional))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request):
    """OIDC Core §5.3 with RFC 6750's transport rules: the access token in the Authorization
    header, or in a form-encoded POST body (§2.2); never in the query string (§2.3 is not
    offered: the URL ends up in proxy and browser logs). Read only: one hand-written query
    (lookup.by_access_token) for the token with its client, user, access grant and the
    profile's places. Answers are never cached."""
    response = _userinfo(request)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class LogoutForm(forms.Form):
    id_token_hint = forms.CharField(required=False, widget=forms.HiddenInput)
    client_id = forms.CharField(required=False, widget=forms.HiddenInput)
    post_logout_redirect_uri = forms.CharField(required=False, widget=forms.HiddenInput)
    state = forms.CharField(required=False, widget=forms.HiddenInput)
    ui_locales = forms.CharField(required=False, widget=forms.HiddenInput)


@method_decorator(csrf_exempt, name="dispatch")  # RP-Initiated Logout 1.0 §2: GET and POST
@method_decorator(never_cache, name="dispatch")
class LogoutView(View):
    """RP-initiated logout 1.0 (flows/rp_logout.py); signing out of Kiosque also tells the
    other applications (receivers.on_logout, back-channel logout).

    An application's logout request comes by GET or by a cross-site form POST (§2), hence
    no CSRF token on it: it signs out at once only when the request proves who sent it (the
    ID token hint), as the same GET does; otherwise the confirmation page. The confirmation
    (`allow`), Kiosque's own form, is CSRF-protected.
    """

    template_name = "oidc/logout_confirm.html"

    def get(self, request):
        return self._handle(request, request.GET, confirmed=False)

    def post(self, request):
        if "allow" in request.POST:
            return csrf_protect(self._confirm)(request)
        return self._handle(request, request.POST, confirmed=False)

    def _confirm(self, request):
        return self._handle(request, request.POST, confirmed=request.POST.get("allow") == "on")

    def _handle(self, request, params, confirmed):
        form = LogoutForm(params)
        form.is_valid()
        data = form.cleaned_data
        try:
            logout = rp_logout.resolve(
                request,
                id_token_hint=data["id_token_hint"],
                client_id=data["client_id"],
                redirect_uri=data["post_logout_redirect_uri"],
                state=data["state"],
            )
        except rp_logout.Refused:
            return render(request, self.template_name, {"error": True}, status=400)
        if logout.needs_confirmation and not confirmed:
            application = logout.client.application if logout.client else None
            return render(request, self.template_name, {"form": form, "application": application})
        rp_logout.sign_out(request, logout)
        return HttpResponseRedirect(logout.redirect_uri) if logout.redirect_uri else redirect("/")
