# ruff: noqa: S608 - SQL of the checks is built from ids and names the test made
"""The mail worker killed with SIGKILL mid-delivery, then restarted (issue 10, item 5): no e-mail
lost; at most the message in flight at the kill is sent twice (with the same Message-ID), the
boundary SMTP forces (docs/reliability.md)."""

import collections
import signal
import time

import pytest

pytestmark = pytest.mark.slow

COUNT = 12


def received_for(smtp, prefix: str) -> list:
    return [m for m in smtp.messages if m.envelope_to[0].startswith(prefix)]


def test_worker_killed_mid_batch_loses_nothing(cluster, cluster_smtp, throwaway_pg):
    prefix = "kill-"
    cluster_smtp.delay = 0.3
    try:
        message_ids = cluster.seed("outbox", prefix=prefix.rstrip("-"), count=COUNT)
        deadline = time.monotonic() + 30
        while len(received_for(cluster_smtp, prefix)) < 3:
            assert time.monotonic() < deadline, cluster.log("worker")[-2000:]
            time.sleep(0.05)
        cluster.worker.send_signal(signal.SIGKILL)
        cluster.worker.wait(timeout=10)
    finally:
        cluster_smtp.delay = 0
    before_restart = len(received_for(cluster_smtp, prefix))
    assert before_restart < COUNT
    in_flight = int(
        throwaway_pg.psql(
            "kiosque", "SELECT count(*) FROM mail_outboxmessage WHERE status = 'sending'"
        )
    )
    assert in_flight >= 1  # the killed worker's batch stays leased, not lost

    # The lease (KIOSQUE_MAIL_LEASE_SECONDS, 5 min) protects a slow live worker; here time
    # passes: the lease runs out, and a new worker picks the batch up.
    throwaway_pg.psql(
        "kiosque",
        "UPDATE mail_outboxmessage SET lease_until = now() - interval '1 second' "
        "WHERE status = 'sending'",
    )
    cluster.start_worker()
    deadline = time.monotonic() + 30
    while len({m.envelope_to[0] for m in received_for(cluster_smtp, prefix)}) < COUNT:
        assert time.monotonic() < deadline, cluster.log("worker")[-2000:]
        time.sleep(0.1)
    time.sleep(1)

    messages = received_for(cluster_smtp, prefix)
    per_recipient = collections.Counter(m.envelope_to[0] for m in messages)
    assert set(per_recipient) == {f"{prefix}{n}@exemple.fr" for n in range(COUNT)}
    duplicates = {address: n for address, n in per_recipient.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= 1, duplicates
    for address in duplicates:
        ids = {str(m["Message-ID"]) for m in messages if m.envelope_to[0] == address}
        assert len(ids) == 1  # receivers can de-duplicate on it
    assert {str(m["Message-ID"]) for m in messages} == set(message_ids)
    unsent = throwaway_pg.psql(
        "kiosque",
        "SELECT count(*) FROM mail_outboxmessage WHERE status <> 'sent' "
        f"AND \"to\"::text LIKE '%{prefix}%'",
    )
    assert unsent == "0"
