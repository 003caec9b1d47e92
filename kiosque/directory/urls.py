from django.urls import path

from kiosque.directory import views

app_name = "directory"
urlpatterns = [
    path("etablissements/", views.establishment_search, name="establishment_search"),
]
