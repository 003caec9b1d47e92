from django.urls import path

from kiosque.backoffice.views.correction import correction
from kiosque.registration import views

app_name = "registration"
urlpatterns = [
    path("", views.start, name="start"),
    path("conditions/", views.conditions_text, name="conditions"),
    path("identite/", views.identity, name="identity"),
    path("contacts/", views.contacts, name="contacts"),
    path("etablissement/", views.establishment, name="establishment"),
    path("centres-interet/", views.interests, name="interests"),
    path("recapitulatif/", views.summary, name="summary"),
    path("recapitulatif/verification/", views.captcha_challenge, name="captcha_challenge"),
    path("merci/", views.done, name="done"),
    # The applicant's "Demander un complément" page (the reviewers' app holds the view).
    path("complement/<str:token>/", correction, name="correction"),
]
