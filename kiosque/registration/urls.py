from django.urls import path

from kiosque.registration import views

app_name = "registration"
urlpatterns = [
    path("", views.start, name="start"),
    path("conditions/", views.conditions_text, name="conditions"),
    path("identite/", views.identity, name="identity"),
    path("contacts/", views.contacts, name="contacts"),
    path("etablissement/", views.establishment, name="establishment"),
    path("recapitulatif/", views.summary, name="summary"),
    path("merci/", views.done, name="done"),
]
