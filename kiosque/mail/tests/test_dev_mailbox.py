"""The dev mailbox: DevMailboxBackend stores messages; /dev/mailbox/ shows them (dev only)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kiosque.mail.delivery import deliver_due
from kiosque.mail.models import DevMailboxMessage, OutboxMessage
from kiosque.mail.services import enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_mailbox(settings):
    settings.EMAIL_BACKEND = "kiosque.mail.backends.DevMailboxBackend"
    settings.KIOSQUE_DEV_MAILBOX = True


def _deliver(name, to="lea@example.fr"):
    with transaction.atomic():
        message = enqueue("mail/email/test", to=[to], context={"name": name})
    assert deliver_due().sent == 1
    return message


def test_backend_stores_the_delivered_message(dev_mailbox):
    sent = _deliver("Léa")
    stored = DevMailboxMessage.objects.get()
    assert stored.message_id == sent.message_id
    assert stored.to == ["lea@example.fr"]
    assert stored.subject == "[Kiosque] Message de test"
    assert stored.text_body.startswith("Bonjour Léa,")
    assert "<p>Bonjour Léa,</p>" in stored.html_body
    sent.refresh_from_db()
    assert sent.status == OutboxMessage.Status.SENT


def test_page_lists_messages_newest_first_with_clickable_links(client, dev_mailbox):
    _deliver("Premier")
    _deliver("Second")
    DevMailboxMessage.objects.filter(text_body__contains="Premier").update(
        delivered_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get("/dev/mailbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Boîte aux lettres de développement" in html
    assert html.index("Bonjour Second") < html.index("Bonjour Premier")
    assert "lea@example.fr" in html
    assert '<a href="http://127.0.0.1:8000/"' in html
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_html_bodies_are_not_rendered_in_the_page(client, dev_mailbox):
    DevMailboxMessage.objects.create(
        to=["a@example.fr"],
        subject="<script>alert(1)</script>",
        text_body="<img src=x onerror=alert(1)>",
        html_body="<script>alert(2)</script>",
    )
    html = client.get("/dev/mailbox/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_view_has_a_strict_csp_and_denies_framing(client, dev_mailbox):
    _deliver("Léa")
    stored = DevMailboxMessage.objects.get()
    page = client.get("/dev/mailbox/").content.decode()
    url = reverse("mail:dev_mailbox_html", args=[stored.pk])
    assert url == f"/dev/mailbox/{stored.pk}/html"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode() == stored.html_body
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "style-src 'unsafe-inline'" in csp
    assert "img-src data:" in csp
    assert "script-src" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_html_view_404_without_html_part(client, dev_mailbox):
    stored = DevMailboxMessage.objects.create(to=["a@example.fr"], subject="s", text_body="t")
    assert client.get(f"/dev/mailbox/{stored.pk}/html").status_code == 404


def test_json_endpoint_lists_recent_messages(client, dev_mailbox):
    _deliver("Léa", to="lea@example.fr")
    _deliver("Paul", to="paul@example.fr")
    data = client.get("/dev/mailbox.json").json()
    assert [m["to"] for m in data["messages"]] == [["paul@example.fr"], ["lea@example.fr"]]
    assert data["messages"][0]["subject"] == "[Kiosque] Message de test"
    assert data["messages"][0]["text"].startswith("Bonjour Paul,")
    only_lea = client.get("/dev/mailbox.json", {"to": "LEA@example.fr"}).json()["messages"]
    assert [m["to"] for m in only_lea] == [["lea@example.fr"]]


def test_page_is_paginated(client, dev_mailbox):
    DevMailboxMessage.objects.bulk_create(
        DevMailboxMessage(to=["a@example.fr"], subject=f"Sujet {i}", text_body="t")
        for i in range(55)
    )
    first = client.get("/dev/mailbox/").content.decode()
    assert first.count('class="dev-mailbox__message"') == 50
    second = client.get("/dev/mailbox/", {"page": 2}).content.decode()
    assert second.count('class="dev-mailbox__message"') == 5


def test_clear_button_empties_the_mailbox_with_csrf(dev_mailbox):
    from django.test import Client

    DevMailboxMessage.objects.create(to=["a@example.fr"], subject="s", text_body="t")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/dev/mailbox/vider/").status_code == 403
    assert DevMailboxMessage.objects.count() == 1
    strict.get("/dev/mailbox/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/dev/mailbox/vider/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert DevMailboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["/dev/mailbox/", "/dev/mailbox.json", "/dev/mailbox/1/html", "/dev/mailbox/vider/"]
)
def test_everything_is_404_when_the_dev_mailbox_is_off(client, settings, url):
    settings.KIOSQUE_DEV_MAILBOX = False
    DevMailboxMessage.objects.create(pk=1, to=["a@example.fr"], subject="s", text_body="t")
    method = client.post if url.endswith("vider/") else client.get
    assert method(url).status_code == 404
    assert DevMailboxMessage.objects.count() == 1


@pytest.mark.parametrize("environment", ["dev", "formation", "production"])
@pytest.mark.parametrize("switched_on", [True, False])
@pytest.mark.parametrize("who", ["anonymous", "professional", "staff"])
def test_outside_dev_only_staff_may_read_a_mailbox_switched_on(
    client, settings, django_user_model, environment, switched_on, who
):
    """A training base is reached by real professionals: its mailbox (temporary passwords,
    codes, reset links) is never open to anyone, only to signed-in staff when switched on."""
    settings.KIOSQUE_ENV = environment
    settings.KIOSQUE_DEV_MAILBOX = switched_on
    DevMailboxMessage.objects.create(
        pk=1, to=["a@example.fr"], subject="Mot de passe temporaire", text_body="t", html_body="h"
    )
    if who != "anonymous":
        user = django_user_model.objects.create_user(who, f"{who}@example.fr")
        user.is_staff = who == "staff"
        user.save()
        client.force_login(user)
    expected = 200 if switched_on and (environment == "dev" or who == "staff") else 404
    for url in ("/dev/mailbox/", "/dev/mailbox.json", "/dev/mailbox/1/html"):
        assert client.get(url).status_code == expected, url
    cleared = client.post("/dev/mailbox/vider/")
    assert cleared.status_code == (302 if expected == 200 else 404)
    assert DevMailboxMessage.objects.count() == (0 if expected == 200 else 1)
