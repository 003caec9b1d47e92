from django.urls import path

from kiosque.mfa import passkey_views, views

app_name = "mfa"
urlpatterns = [
    path("connexion/second-facteur/", views.second_factor, name="second_factor"),
    path("connexion/authentification-renforcee/", views.step_up_view, name="step_up"),
    path(
        "connexion/authentification-renforcee/cle-d-acces/options/",
        passkey_views.step_up_options,
        name="passkey_step_up_options",
    ),
    path(
        "connexion/authentification-renforcee/cle-d-acces/",
        passkey_views.step_up_verify,
        name="passkey_step_up_verify",
    ),
    path("compte/second-facteur/", views.manage, name="manage"),
    path("compte/second-facteur/ajouter/", views.add_totp, name="add_totp"),
    path("compte/second-facteur/<int:pk>/supprimer/", views.delete_totp, name="delete_totp"),
]

urlpatterns += [
    path(
        "connexion/cle-d-acces/options/", passkey_views.login_options, name="passkey_login_options"
    ),
    path("connexion/cle-d-acces/", passkey_views.login, name="passkey_login"),
    path(
        "connexion/second-facteur/cle-d-acces/options/",
        passkey_views.stage_options,
        name="passkey_stage_options",
    ),
    path(
        "connexion/second-facteur/cle-d-acces/",
        passkey_views.stage_verify,
        name="passkey_stage_verify",
    ),
    path(
        "compte/second-facteur/cle-d-acces/options/",
        passkey_views.enrol_options,
        name="passkey_enrol_options",
    ),
    path("compte/second-facteur/cle-d-acces/ajouter/", passkey_views.enrol, name="passkey_enrol"),
    path(
        "compte/second-facteur/cle-d-acces/<int:pk>/supprimer/",
        passkey_views.delete,
        name="delete_passkey",
    ),
]
