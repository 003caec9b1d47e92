"""Refuse a request body of a type no view reads (ASVS 13.1.5 and 13.2.5).

Every view that reads a body reads an HTML form or an OAuth 2.0 request, both form-encoded
(`application/x-www-form-urlencoded`, or `multipart/form-data` for forms). Without this check a
JSON or XML body is silently parsed as an empty form: the view answers as if nothing was sent
(a form with errors, an OAuth `invalid_request`). A body of any other type, or without a type,
is now refused with 415 and the accepted types, before any view or CSRF check runs. A request
without a body (Content-Length absent or 0) passes whatever its Content-Type says.
"""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/oidc/"


def has_body(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > 0
    except ValueError:
        return True  # a malformed length: refuse rather than guess


class FormContentTypeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_body(request) and (request.content_type or "").lower() not in FORM_TYPES:
            return self.refusal(request)
        return self.get_response(request)

    @staticmethod
    def refusal(request):
        if request.path.startswith(API_PREFIX):
            response = HttpResponse(
                json.dumps(
                    {
                        "error": "invalid_request",
                        "error_description": "Content-Type must be "
                        "application/x-www-form-urlencoded.",
                    }
                ),
                status=415,
                content_type="application/json",
            )
        else:
            from kiosque.core.views import error_page

            response = error_page(
                request,
                415,
                _("Format de requête refusé"),
                _("Ce formulaire n'accepte que les données d'un formulaire web."),
            )
        response["Accept-Post"] = ", ".join(FORM_TYPES)
        return response
