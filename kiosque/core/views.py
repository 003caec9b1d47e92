from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kiosque.core import health


@require_GET
def home(request):
    if request.user.is_authenticated:
        # One place for the tiles: "Vos applications" (the menu and the sign-in lead there too).
        return redirect("portal:home")
    return render(
        request,
        "core/home.html",
        {"login_url": settings.LOGIN_URL, "register_url": reverse("registration:start")},
    )


@never_cache
@require_GET
def healthz(request):
    return health.json_response({"status": "ok"}, 200)


@never_cache
@require_GET
def readyz(request):
    report = health.readiness()
    return health.json_response(report, 200 if report["status"] != "fail" else 503)


def error_page(request, status, title, message, **context):
    context = {"title": title, "message": message, **context}
    return render(request, "core/error.html", context, status=status)


def csrf_failure(request, reason=""):
    return error_page(
        request,
        403,
        _("Formulaire expiré"),
        _(
            "Votre formulaire a expiré ou a été envoyé depuis une autre page. "
            "Revenez en arrière, rechargez la page et envoyez-le à nouveau."
        ),
    )


def not_found(request, exception=None):
    return error_page(
        request, 404, _("Page introuvable"), _("La page demandée n'existe pas ou plus.")
    )


def forbidden(request, exception=None):
    return error_page(request, 403, _("Accès refusé"), _("Vous n'avez pas accès à cette page."))


def server_error(request):
    from kiosque.core.middleware import unavailable_response_for_current_exception

    unavailable = unavailable_response_for_current_exception(request)
    if unavailable is not None:  # the database failed outside a view (middleware, session)
        return unavailable
    return error_page(
        request,
        500,
        _("Erreur du service"),
        _("Une erreur est survenue. L'équipe technique en a été avertie ; réessayez plus tard."),
    )
