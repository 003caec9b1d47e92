from django.urls import path, re_path

from kiosque.oidc import psc_views, views

app_name = "oidc"
urlpatterns = [
    re_path(r"^\.well-known/openid-configuration/?$", views.discovery, name="discovery"),
    path("oidc/authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("oidc/token/", views.token, name="token"),
    path("oidc/userinfo/", views.userinfo, name="userinfo"),
    path("oidc/jwks/", views.jwks, name="jwks"),
    path("oidc/introspect/", views.introspect, name="introspect"),
    path("oidc/revoke/", views.revoke, name="revoke"),
    path("oidc/logout/", views.LogoutView.as_view(), name="logout"),
    path("connexion/psc/", psc_views.start, name="psc_start"),
    path("connexion/psc/retour/", psc_views.callback, name="psc_callback"),
]
