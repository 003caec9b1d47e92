from django.urls import path

from kiosque.accounts.views import account, login, password

app_name = "accounts"
urlpatterns = [
    path("connexion/", login.login, name="login"),
    path(
        "connexion/nouveau-mot-de-passe/",
        login.password_change_required,
        name="password_change_required",
    ),
    path("deconnexion/", login.logout, name="logout"),
    path("compte/", account.account_page, name="account"),
    path("compte/mot-de-passe/", password.change, name="password_change"),
    path("compte/historique/", account.connection_history, name="history"),
    path("compte/sessions/", account.active_sessions, name="sessions"),
    path("compte/sessions/autres/fermer/", account.end_other_sessions, name="end_other_sessions"),
    path("compte/sessions/<int:pk>/fermer/", account.end_session, name="end_session"),
    path("mot-de-passe-oublie/", password.reset_request, name="password_reset"),
    path("mot-de-passe-oublie/envoye/", password.reset_sent, name="password_reset_sent"),
    path(
        "mot-de-passe/reinitialiser/<str:token>/",
        password.reset_link,
        name="password_reset_link",
    ),
    path("mot-de-passe/reinitialiser/", password.reset_form, name="password_reset_form"),
    path("identifiant-oublie/", password.forgotten_login_request, name="forgotten_login"),
    path("identifiant-oublie/envoye/", password.forgotten_login_sent, name="forgotten_login_sent"),
]
