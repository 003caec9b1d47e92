from django.urls import path

from kiosque.mfa.views import manage, passkeys, second_factor, step_up

app_name = "mfa"
urlpatterns = [
    path("connexion/second-facteur/", second_factor.second_factor, name="second_factor"),
    path("connexion/authentification-renforcee/", step_up.step_up_view, name="step_up"),
    path(
        "connexion/authentification-renforcee/cle-d-acces/options/",
        passkeys.step_up_options,
        name="passkey_step_up_options",
    ),
    path(
        "connexion/authentification-renforcee/cle-d-acces/",
        passkeys.step_up_verify,
        name="passkey_step_up_verify",
    ),
    path("compte/second-facteur/", manage.manage, name="manage"),
    path("compte/second-facteur/ajouter/", manage.add_totp, name="add_totp"),
    path("compte/second-facteur/<int:pk>/supprimer/", manage.delete_totp, name="delete_totp"),
]

urlpatterns += [
    path("connexion/cle-d-acces/options/", passkeys.login_options, name="passkey_login_options"),
    path("connexion/cle-d-acces/", passkeys.login, name="passkey_login"),
    path(
        "connexion/second-facteur/cle-d-acces/options/",
        passkeys.stage_options,
        name="passkey_stage_options",
    ),
    path(
        "connexion/second-facteur/cle-d-acces/",
        passkeys.stage_verify,
        name="passkey_stage_verify",
    ),
    path(
        "compte/second-facteur/cle-d-acces/options/",
        passkeys.enrol_options,
        name="passkey_enrol_options",
    ),
    path("compte/second-facteur/cle-d-acces/ajouter/", passkeys.enrol, name="passkey_enrol"),
    path(
        "compte/second-facteur/cle-d-acces/<int:pk>/supprimer/",
        passkeys.delete,
        name="delete_passkey",
    ),
]
