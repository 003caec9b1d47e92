from django.urls import path

from kiosque.mfa import views

app_name = "mfa"
urlpatterns = [
    path("connexion/second-facteur/", views.second_factor, name="second_factor"),
    path("compte/second-facteur/", views.manage, name="manage"),
    path("compte/second-facteur/ajouter/", views.add_totp, name="add_totp"),
    path("compte/second-facteur/<int:pk>/supprimer/", views.delete_totp, name="delete_totp"),
]
