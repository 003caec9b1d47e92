"""Two referents decide the same request at once: exactly one decision wins.

Runs on SQLite and PostgreSQL alike (the suite's DATABASE_URL decides).
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from kiosque.audit.models import AuditAction, AuditEvent
from kiosque.portal.flows import decide
from kiosque.portal.models import AccessGrant, AccessRequest
from kiosque.portal.services.access import has_access


def test_stale_copies_interleaved(db, dcc, make_referent, oncocentre_member, submit_dcc):
    """Both referents loaded the request while it was pending; the second write loses."""
    first, second = make_referent(dcc), make_referent(dcc)
    user = oncocentre_member()
    submit_dcc(user)
    seen_by_first = AccessRequest.objects.get(user=user)
    seen_by_second = AccessRequest.objects.get(user=user)
    decide.refuse(second, seen_by_second, "Non.")
    with pytest.raises(ValidationError) as error:
        decide.grant(first, seen_by_first, [])
    assert error.value.code == "already_decided"
    assert AccessRequest.objects.get(user=user).status == AccessRequest.Status.REFUSED
    assert not AccessGrant.objects.exists()
    assert not has_access(user, dcc)


def _race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "won"
        except ValidationError as error:
            outcomes[index] = error.code
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            outcomes[index] = repr(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("rounds", [5])
def test_concurrent_grant_and_refuse(
    transactional_db, dcc, make_referent, oncocentre_member, submit_dcc, rounds
):
    first, second = make_referent(dcc), make_referent(dcc)
    for _ in range(rounds):
        user = oncocentre_member()
        access_request = submit_dcc(user)
        outcomes = _race(
            [
                lambda r=access_request: decide.grant(first, r, []),
                lambda r=access_request: decide.refuse(second, r, "Refus concurrent."),
            ]
        )
        assert sorted(outcomes) == ["already_decided", "won"], outcomes
        access_request.refresh_from_db()
        granted = has_access(user, dcc)
        if outcomes[0] == "won":
            assert access_request.status == AccessRequest.Status.GRANTED and granted
        else:
            assert access_request.status == AccessRequest.Status.REFUSED and not granted
        decisions = AuditEvent.objects.filter(
            target_id=str(access_request.pk),
            action__in=[AuditAction.ACCESS_GRANTED, AuditAction.ACCESS_REFUSED],
        )
        assert decisions.count() == 1


def test_concurrent_double_submission_keeps_one_request(transactional_db, dcc, make_user):
    from kiosque.portal.flows import request_access

    user = make_user()
    outcomes = _race([lambda: request_access.submit(user, dcc, []) for _ in range(2)])
    assert sorted(outcomes) == ["already_pending", "won"], outcomes
    assert AccessRequest.objects.filter(user=user).count() == 1
