"""A database outage answers a French 503 page instead of a stack trace."""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        from kiosque.core.views import error_page

        response = error_page(
            request,
            503,
            _("Service momentanément indisponible"),
            _("Le service est momentanément indisponible. Réessayez dans quelques minutes."),
        )
        response["Retry-After"] = "30"
        return response
