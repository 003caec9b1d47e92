"""Two reviewers decide the same request at the same moment: exactly one decision applies.
Runs on SQLite (writers serialised) and PostgreSQL (the conditional UPDATE waits, then finds
the row no longer open)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import close_old_connections, connection

from kiosque.audit.models import AuditEvent
from kiosque.backoffice.tests.factories import make_registration, make_reviewer
from kiosque.mail.models import OutboxMessage
from kiosque.registration.flows import approve, reject, request_info
from kiosque.registration.flows.decision import AlreadyDecided
from kiosque.registration.models import RegistrationRequest, RegistrationStatus


def race(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "won"
        except AlreadyDecided as error:
            outcomes[index] = "already_decided"
            assert "Cette demande a déjà été traitée par" in error.message
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes[index] = repr(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("reference_data")
def test_approve_against_reject_exactly_one_applies():
    first, second = make_reviewer("premier"), make_reviewer("second")
    for _round in range(3):
        registration = make_registration()
        outcomes = race(
            lambda pk=registration.pk: approve.approve(pk, by=first),
            lambda pk=registration.pk: reject.reject(pk, by=second, reason_code="duplicate"),
        )
        assert sorted(outcomes) == ["already_decided", "won"], outcomes
        registration.refresh_from_db()
        decisions = AuditEvent.objects.filter(
            target_id=str(registration.pk),
            action__in=["registration.approved", "registration.rejected"],
        )
        assert decisions.count() == 1
        if outcomes[0] == "won":
            assert registration.status == RegistrationStatus.APPROVED
            assert registration.account is not None
        else:
            assert registration.status == RegistrationStatus.REJECTED
            assert registration.account is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("reference_data")
def test_two_approvals_create_one_account():
    first, second = make_reviewer("premier"), make_reviewer("second")
    registration = make_registration()
    outcomes = race(
        lambda: approve.approve(registration.pk, by=first),
        lambda: approve.approve(registration.pk, by=second),
    )
    assert sorted(outcomes) == ["already_decided", "won"], outcomes
    assert get_user_model().objects.filter(email=registration.email_auth).count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("reference_data")
def test_concurrent_validations_of_two_namesakes_get_distinct_logins():
    first, second = make_reviewer("premier"), make_reviewer("second")
    one, two = make_registration(), make_registration(rpps="12345678903")
    outcomes = race(
        lambda: approve.approve(one.pk, by=first),
        lambda: approve.approve(two.pk, by=second),
    )
    assert outcomes == ["won", "won"], outcomes
    logins = sorted(RegistrationRequest.objects.values_list("account__username", flat=True))
    assert logins == ["n2dupont", "ndupont"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("reference_data")
def test_request_info_against_approve():
    first, second = make_reviewer("premier"), make_reviewer("second")
    registration = make_registration()
    outcomes = race(
        lambda: approve.approve(registration.pk, by=first),
        lambda: request_info.request_info(registration.pk, by=second, question="Votre ADELI ?"),
    )
    registration.refresh_from_db()
    # The question may come first (then the approval still applies) or lose to the approval.
    assert outcomes[0] == "won" and outcomes[1] in ("won", "already_decided"), outcomes
    assert registration.status == RegistrationStatus.APPROVED
