from django.urls import path

from kiosque.portal.views import applications, referent

app_name = "portal"

urlpatterns = [
    path("", applications.home, name="home"),
    path("referent/", referent.queue, name="referent_queue"),
    path("referent/demandes/<int:pk>/", referent.request_detail, name="referent_request"),
    path("referent/demandes/<int:pk>/accorder/", referent.grant, name="referent_grant_request"),
    path("referent/demandes/<int:pk>/refuser/", referent.refuse, name="referent_refuse"),
    path(
        "referent/demandes/<int:pk>/completer/",
        referent.ask_for_more,
        name="referent_ask_for_more",
    ),
    path("referent/acces/", referent.grants, name="referent_grants"),
    path("referent/acces/<int:pk>/", referent.grant_detail, name="referent_grant"),
    path("referent/acces/<int:pk>/roles/", referent.change_roles, name="referent_roles"),
    path("referent/acces/<int:pk>/revoquer/", referent.revoke_access, name="referent_revoke"),
    path("<slug:slug>/ouvrir/", applications.open_application, name="open"),
    path("<slug:slug>/deplacer/", applications.move, name="move"),
    path("<slug:slug>/favori/", applications.favourite, name="favourite"),
    path("<slug:slug>/demande/", applications.request_form, name="request"),
    path("<slug:slug>/demande/merci/", applications.request_thanks, name="request_thanks"),
    path("<slug:slug>/demande/complement/", applications.reply, name="reply"),
]
