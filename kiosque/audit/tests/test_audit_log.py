import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from kiosque.audit.masking import MASK, mask_secrets
from kiosque.audit.models import AppendOnlyError, AuditAction, AuditEvent, AuditOutcome
from kiosque.audit.services import record


@pytest.fixture
def event(db):
    return record(AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILURE, context={"login": "x"})


def test_record_snapshots_actor_request_and_target(db, django_user_model):
    user = django_user_model.objects.create_user("ndupont", first_name="N", last_name="Dupont")
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox/128")
    request.user = user
    event = record(AuditAction.PASSWORD_CHANGED, request=request, target=user)
    user_id = user.pk
    event.refresh_from_db()
    assert event.actor == user and event.actor_repr == f"ndupont ({user.pk})"
    assert event.ip_address == "198.51.100.7" and event.user_agent == "Firefox/128"
    assert event.target_type == "accounts.user" and event.target_id == str(user.pk)
    user.delete()
    event.refresh_from_db()
    assert event.actor_id == user_id and event.actor_repr == f"ndupont ({user_id})"


def test_saving_an_existing_event_is_refused(event):
    event.outcome = AuditOutcome.SUCCESS
    with pytest.raises(AppendOnlyError):
        event.save()


def test_deleting_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(outcome="success")
    assert AuditEvent.objects.filter(pk=event.pk, outcome="failure").exists()


RAW_REWRITES = ["UPDATE audit_auditevent SET outcome='success'"]
if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
    RAW_REWRITES.append("DELETE FROM audit_auditevent")


@pytest.mark.parametrize("sql", RAW_REWRITES)
def test_the_database_refuses_raw_rewrites(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk, outcome="failure").exists()


def test_secrets_are_masked_at_any_depth(db):
    context = {
        "login": "ndupont",
        "password": "Secret!123456",
        "nested": {"otp_code": "000787", "reset_token": "abc", "count": 3},
        "items": [{"client_secret": "s"}, "plain"],
    }
    event = record(AuditAction.LOGIN_FAILED, context=context)
    event.refresh_from_db()
    assert event.context == {
        "login": "ndupont",
        "password": MASK,
        "nested": {"otp_code": MASK, "reset_token": MASK, "count": 3},
        "items": [{"client_secret": MASK}, "plain"],
    }
    assert "Secret!123456" not in str(event.context)


def test_mask_leaves_harmless_values():
    assert mask_secrets({"ip": "1.2.3.4", "attempts": 2}) == {"ip": "1.2.3.4", "attempts": 2}


def test_audit_admin_is_read_only(admin_client, event):
    base = "/" + settings.KIOSQUE_ADMIN_PATH + "audit/auditevent/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(base + f"{event.pk}/change/").status_code == 200
    assert admin_client.get(base + "add/").status_code == 403
    assert admin_client.post(base + f"{event.pk}/delete/").status_code == 403
