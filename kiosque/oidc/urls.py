from django.urls import path, re_path

from kiosque.oidc.views import provider as views
from kiosque.oidc.views import psc as psc_views

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
    path(
        "connexion/psc/deconnexion-backchannel/",
        psc_views.backchannel_logout,
        name="psc_backchannel_logout",
    ),
    path(
        "connexion/authentification-renforcee/psc/",
        psc_views.step_up_start,
        name="psc_step_up",
    ),
    path("compte/pro-sante-connect/associer/", psc_views.link_start, name="psc_link"),
    path("compte/pro-sante-connect/dissocier/", psc_views.unlink, name="psc_unlink"),
]
