from django.urls import path

from kiosque.backoffice.views import accounts, correction, dashboard, requests

app_name = "backoffice"
urlpatterns = [
    path("", requests.request_queue, name="queue"),
    path("demandes/export.csv", requests.export_queue, name="export"),
    path("demandes/validation-groupee/", requests.bulk_approve, name="bulk_approve"),
    path("demandes/<int:pk>/", requests.request_detail, name="request_detail"),
    path("demandes/<int:pk>/decision/", requests.decide, name="decide"),
    path("comptes/", accounts.account_list, name="accounts"),
    path("comptes/<int:pk>/", accounts.account_detail, name="account_detail"),
    path("comptes/<int:pk>/<slug:action>/", accounts.account_action, name="account_action"),
    path("tableau-de-bord/", dashboard.dashboard, name="dashboard"),
    # Moved to registration:correction (/inscription/complement/<token>/).
    path("complement/<str:token>/", correction.legacy_correction, name="correction"),
]
