"""/metrics: Prometheus text for operators, refused to anyone else."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from kiosque.accounts.models import ConnectionAttempt
from kiosque.mail.models import OutboxMessage
from kiosque.mail.services import enqueue
from kiosque.mfa.models import MailedCode

pytestmark = pytest.mark.django_db


def samples(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            found[key] = sample.value
    return found


TOKEN = "s3cr3t-metrics-token"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.KIOSQUE_METRICS_TOKEN = TOKEN


def scrape(client):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("ndupont", "n.dupont@exemple.fr")


def test_loopback_without_the_token_is_refused(client):
    # the test client comes from 127.0.0.1 and sends no proxy header: not enough (issue 20)
    response = client.get("/metrics")
    assert response.status_code == 403
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_without_a_token_setting_nobody_may_scrape(client, settings):
    settings.KIOSQUE_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_a_remote_address_is_refused_without_the_token(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403


def test_only_the_bearer_token_opens(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", REMOTE_ADDR="203.0.113.9")
    assert ok.status_code == 200
    relayed = client.get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert relayed.status_code == 200


def test_only_get(client):
    assert client.post("/metrics").status_code == 405


def test_login_outcomes_and_codes_sent_are_counted(client, user):
    now = timezone.now()
    for outcome in ("success", "success", "wrong_password", "wrong_code"):
        ConnectionAttempt.objects.create(user=user, outcome=outcome)
    MailedCode.objects.create(
        user=user, purpose="login", code_hash="x", created_at=now, expires_at=now
    )
    found = samples(scrape(client))
    assert found[("kiosque_login_attempts_total", (("outcome", "success"),))] == 2
    assert found[("kiosque_login_attempts_total", (("outcome", "wrong_password"),))] == 1
    assert found[("kiosque_login_attempts_total", (("outcome", "wrong_code"),))] == 1
    assert found[("kiosque_login_attempts_total", (("outcome", "locked"),))] == 0
    assert found[("kiosque_mail_codes_sent_total", (("purpose", "login"),))] == 1


def test_mail_queue_depth_and_oldest_pending_age(client):
    assert samples(scrape(client))[("kiosque_mail_outbox_oldest_pending_seconds", ())] == 0
    with transaction.atomic():
        enqueue("mail/email/test", to=["a@exemple.fr"], context={})
        enqueue("mail/email/test", to=["b@exemple.fr"], context={})
    OutboxMessage.objects.filter(to=["a@exemple.fr"]).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    found = samples(scrape(client))
    assert found[("kiosque_mail_outbox_messages", (("status", "pending"),))] == 2
    assert found[("kiosque_mail_outbox_messages", (("status", "sent"),))] == 0
    assert 595 < found[("kiosque_mail_outbox_oldest_pending_seconds", ())] < 660


def test_request_latency_histogram(client):
    before = samples(scrape(client)).get(
        ("kiosque_http_request_duration_seconds_count", (("method", "GET"), ("status", "2xx"))), 0
    )
    client.get("/")
    client.get("/nulle-part/")
    found = samples(scrape(client))
    key = ("kiosque_http_request_duration_seconds_count", (("method", "GET"), ("status", "2xx")))
    assert found[key] >= before + 2  # "/" and the previous scrape
    assert (
        found[
            ("kiosque_http_request_duration_seconds_count", (("method", "GET"), ("status", "4xx")))
        ]
        >= 1
    )
    assert (
        "kiosque_http_request_duration_seconds_bucket",
        (("le", "0.1"), ("method", "GET"), ("status", "2xx")),
    ) in found
