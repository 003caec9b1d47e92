"""What Kiosque's provider offers, and the request checks that follow from it.

One place for each rule: discovery advertises these values and the endpoints refuse
whatever is not among them, with the error code the specification gives.
"""

import re

# OIDC Core §3.1.2.1 / OAuth 2.0 Multiple Response Types: the only response mode offered.
RESPONSE_MODES = ("query",)
# OIDC Core §3.1.2.1. consent: every client is first-party, consent is the access grant the
# referent gave (no consent page); select_account: the sign-in page, where another account
# can sign in.
PROMPT_VALUES = ("none", "login", "consent", "select_account")
# The grants the token endpoint offers (each client is registered for one of them).
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
# RFC 7636 §4.2: code_challenge = 43*128unreserved.
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")
# Locales the pages are served in (Accept-Language / ui_locales).
UI_LOCALES = ("fr", "en")


def authorization_request_error(params) -> tuple[str, str] | None:
    """(error, description) for an authorization request asking for something not offered,
    once the client and its redirect URI are known to be valid; None when acceptable."""
    if "request" in params:
        return "request_not_supported", "Request objects are not supported."
    if "request_uri" in params:
        return "request_uri_not_supported", "request_uri is not supported."
    mode = params.get("response_mode")
    if mode is not None and mode not in RESPONSE_MODES:
        return "invalid_request", "Unsupported response_mode; only query is offered."
    challenge = params.get("code_challenge")
    if challenge is not None and not CODE_CHALLENGE.fullmatch(challenge):
        return "invalid_request", "code_challenge must be 43 to 128 unreserved characters."
    return None


def client_auth_methods(request) -> list[str]:
    """The client authentication methods a token, introspection or revocation request uses
    (RFC 6749 §2.3: never more than one)."""
    methods = []
    if request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "basic":
        methods.append("client_secret_basic")
    if "client_secret" in request.POST:
        methods.append("client_secret_post")
    if "client_assertion" in request.POST or "client_assertion_type" in request.POST:
        methods.append("private_key_jwt")
    return methods


def token_request_error(request) -> tuple[str, str] | None:
    """(error, description) for a token request refused before any grant runs."""
    grant_type = request.POST.get("grant_type")
    if not grant_type:
        return "invalid_request", "grant_type is required."
    if grant_type not in GRANT_TYPES:
        return "unsupported_grant_type", "This grant type is not offered."
    if len(client_auth_methods(request)) > 1:
        return "invalid_request", "Use one client authentication method only."
    if grant_type == "authorization_code" and not request.POST.get("redirect_uri"):
        # Every authorization request carries redirect_uri (OIDC Core §3.1.2.1), so the
        # token request must repeat it (RFC 6749 §4.1.3).
        return "invalid_request", "redirect_uri is required."
    return None
