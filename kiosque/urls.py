from django.contrib import admin
from django.urls import include, path

from kiosque.core import app_settings as core_settings
from kiosque.core.observability.metrics import metrics_view

admin.site.site_header = f"{core_settings.PLATFORM_NAME} — gestion"
admin.site.site_title = core_settings.PLATFORM_NAME
admin.site.index_title = "Administration"

# The provider's URLs first: Django tries the patterns in order, and discovery, JWKS and the
# token endpoints are the most requested paths (relying parties, not browsers); they share no
# path with the pages, so the order changes no match.
urlpatterns = [
    path("", include("kiosque.oidc.urls")),
    path("", include("kiosque.core.urls")),
    path("", include("kiosque.accounts.urls")),
    path("", include("kiosque.mfa.urls")),
    path("gestion/", include("kiosque.backoffice.urls")),
    path("inscription/", include("kiosque.registration.urls")),
    path("annuaire/", include("kiosque.directory.urls")),
    path("applications/", include("kiosque.portal.urls")),
    path("dev/", include("kiosque.mail.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("metrics", metrics_view, name="metrics"),
    path(core_settings.ADMIN_PATH, admin.site.urls),
]

handler403 = "kiosque.core.views.forbidden"
handler404 = "kiosque.core.views.not_found"
handler500 = "kiosque.core.views.server_error"
