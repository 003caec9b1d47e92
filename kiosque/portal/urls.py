from django.urls import path

from kiosque.portal import referent_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("referent/", referent_views.queue, name="referent_queue"),
    path("referent/demandes/<int:pk>/", referent_views.request_detail, name="referent_request"),
    path(
        "referent/demandes/<int:pk>/accorder/", referent_views.grant, name="referent_grant_request"
    ),
    path("referent/demandes/<int:pk>/refuser/", referent_views.refuse, name="referent_refuse"),
    path(
        "referent/demandes/<int:pk>/completer/",
        referent_views.ask_for_more,
        name="referent_ask_for_more",
    ),
    path("referent/acces/", referent_views.grants, name="referent_grants"),
    path("referent/acces/<int:pk>/", referent_views.grant_detail, name="referent_grant"),
    path("referent/acces/<int:pk>/roles/", referent_views.change_roles, name="referent_roles"),
    path("referent/acces/<int:pk>/revoquer/", referent_views.revoke_access, name="referent_revoke"),
    path("<slug:slug>/ouvrir/", views.open_application, name="open"),
    path("<slug:slug>/deplacer/", views.move, name="move"),
    path("<slug:slug>/favori/", views.favourite, name="favourite"),
    path("<slug:slug>/demande/", views.request_form, name="request"),
    path("<slug:slug>/demande/merci/", views.request_thanks, name="request_thanks"),
    path("<slug:slug>/demande/complement/", views.reply, name="reply"),
]
