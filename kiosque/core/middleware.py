"""A database outage answers a French 503 page instead of a stack trace; every response
carries a Permissions-Policy header.

A database can fail in a view (`process_exception` below) but also before it, in a middleware
(the session read by the authentication or session-timeout middleware) or after it (the session
save): Django then turns the exception into a 500 through `handler500`, which asks
`unavailable_response_for_current_exception()` first.
"""

import sys

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

DATABASE_ERRORS = (OperationalError, InterfaceError)

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def is_database_outage(exception: BaseException | None) -> bool:
    """Django's wrapped errors, and the driver's own (psycopg) when raised outside the wrapper."""
    if exception is None:
        return False
    if isinstance(exception, DATABASE_ERRORS):
        return True
    driver = sys.modules.get("psycopg")
    return driver is not None and isinstance(
        exception, (driver.OperationalError, driver.InterfaceError)
    )


def unavailable_response(request):
    from kiosque.core.views import error_page

    # The page must not touch the database again: no signed-in user, no session-stored messages.
    # (`messages` given empty: the template never reads the session's message storage, so
    # MessageMiddleware has nothing to store on the way out.)
    request.user = AnonymousUser()
    response = error_page(
        request,
        503,
        _("Service momentanément indisponible"),
        _("Le service est momentanément indisponible. Réessayez dans quelques minutes."),
        messages=(),
    )
    response["Retry-After"] = "30"
    return response


def unavailable_response_for_current_exception(request):
    """The 503 page when the exception being handled is a database outage, else None."""
    exception = sys.exc_info()[1]
    return unavailable_response(request) if is_database_outage(exception) else None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        return unavailable_response(request)


class PermissionsPolicyMiddleware:
    """Deny powerful browser features the portal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RejectNullBytesMiddleware:
    """A NUL character in the path, the query, a form field or a cookie answers 400.

    No legitimate input carries one, and PostgreSQL refuses it in any query (a lookup on a
    typed value would otherwise fail with a 500 there while SQLite accepts it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_null_byte(request):
            from kiosque.core.views import error_page

            return error_page(
                request,
                400,
                _("Requête invalide"),
                _(
                    "La page a reçu un caractère interdit. "
                    "Revenez en arrière et corrigez la saisie."
                ),
            )
        return self.get_response(request)

    @staticmethod
    def _has_null_byte(request) -> bool:
        if "\x00" in request.path:
            return True
        # An empty query string or Cookie header is not parsed: the common GET has neither.
        sources = []
        if request.META.get("QUERY_STRING"):
            sources.append(request.GET)
        if request.META.get("HTTP_COOKIE"):
            sources.append(request.COOKIES)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        for source in sources:
            items = source.lists() if hasattr(source, "lists") else source.items()
            for key, values in items:
                values = values if isinstance(values, list) else [values]
                if "\x00" in key or any("\x00" in str(value) for value in values):
                    return True
        return False
