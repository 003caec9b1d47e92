from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from kiosque.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("favicon.ico", RedirectView.as_view(url=static("core/img/favicon.svg"), permanent=True)),
]
