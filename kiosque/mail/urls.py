from django.urls import path

from kiosque.mail import views

app_name = "mail"
urlpatterns = [
    path("mailbox/", views.dev_mailbox, name="dev_mailbox"),
    path("mailbox.json", views.dev_mailbox_json, name="dev_mailbox_json"),
    path("mailbox/vider/", views.dev_mailbox_clear, name="dev_mailbox_clear"),
    path("mailbox/<int:pk>/html", views.dev_mailbox_html, name="dev_mailbox_html"),
]
