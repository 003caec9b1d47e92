"""Every URL pattern of the project, made concrete (ids of real objects), for sweeping tests."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

# POST endpoints exempt from CSRF by design: OAuth 2 back-channel calls authenticated by the
# client's credentials (RFC 6749 §2.3, RFC 7662, RFC 7009), never by a browser cookie.
# The OAuth endpoints, and the authorization endpoint that OIDC Core §3.1.2.1 opens to POST
# (a form-posted authorization request does what the same GET does).
CSRF_EXEMPT = {
    "oidc:authorize",
    "oidc:token",
    "oidc:introspect",
    "oidc:revoke",
    "oidc:userinfo",
    # Server to server: Pro Santé Connect posts a signed logout_token, no browser involved.
    "oidc:psc_backchannel_logout",
    # RP-Initiated Logout 1.0 §2: an application may POST its logout request (form
    # serialization) from its own site; it does what the same GET does. The confirmation
    # the page then asks for (`allow`) is Kiosque's own form and stays CSRF-protected.
    "oidc:logout",
}

CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def walk(patterns=None, prefix="", namespace=""):
    """(name, route with converters) for every URL pattern."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = pattern.namespace or namespace
            if pattern.namespace and namespace:
                space = f"{namespace}:{pattern.namespace}"
            yield from walk(pattern.url_patterns, prefix + route, space)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or "", prefix + route


def concrete(route: str, values: dict) -> str:
    """A path for `route`: regex routes made literal, converters filled from `values`."""
    path = route.lstrip("^").rstrip("$").replace("/?", "/").replace("\\.", ".")

    def fill(match):
        converter, name = match.groups()
        if name in values:
            return str(values[name])
        return {"int": "1", "slug": "dcc", "path": "x"}.get(converter, "x")

    path = re.sub(r"\(\?P<\w+>[^)]*\)", "x", path)
    path = CONVERTER.sub(fill, path)
    return "/" + path.lstrip("/")
