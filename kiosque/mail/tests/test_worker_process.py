"""The real `kiosque worker` process: restarts, signals, crashes and concurrent workers.

Each test drives subprocesses against a database of their own: a SQLite file in tmp_path, or
(when the suite runs on PostgreSQL) a scratch PostgreSQL database created and dropped here.
"""

import signal
import time
from collections import Counter

import pytest

from kiosque.mail.delivery import mark_every
from kiosque.mail.tests._processes import (
    enqueue_many,
    expire_leases,
    kiosque,
    outbox_state,
    python_in_django,
    scratch_database,
    sent_count,
    start_worker,
    stop,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("worker")
    with scratch_database(data_dir) as database_url:
        kiosque(worker_env(data_dir, database_url), "migrate", "--noinput", timeout=300)
        yield data_dir, database_url


@pytest.fixture
def env(migrated_database, smtp_server):
    data_dir, database_url = migrated_database
    env = worker_env(data_dir, database_url, email_url=smtp_server.url)
    yield env
    python_in_django(
        env, "from kiosque.mail.models import OutboxMessage\nOutboxMessage.objects.all().delete()"
    )


def _assert_each_delivered_once(smtp_server, env, expected: int):
    state = outbox_state(env)
    received = Counter(smtp_server.message_ids())
    assert set(received) == set(state["ids"])
    assert sum(received.values()) == expected, received.most_common(3)
    assert state["counts"] == {"sent": expected}


def test_worker_once_twice_sends_nothing_twice(env, smtp_server):
    enqueue_many(env, 20)
    first = kiosque(env, "worker", "--once", "--no-jobs")
    assert sent_count(first.stdout) == 20
    second = kiosque(env, "worker", "--once")
    assert sent_count(second.stdout) == 0
    _assert_each_delivered_once(smtp_server, env, 20)
    assert "Bonjour" not in first.stderr + second.stderr, "bodies are never logged"
    jobs_ran = python_in_django(
        env,
        "from kiosque.core.models import JobRun\n"
        "print(sorted(JobRun.objects.filter(runs=1).values_list('name', flat=True)))",
    )
    assert "mail.purge_old_bodies" in jobs_ran, "the second run (jobs enabled) ran due jobs"


def test_sigterm_stops_after_the_current_message_and_restart_sends_nothing_twice(
    env, smtp_server, tmp_path
):
    smtp_server.delay = 0.02
    worker = start_worker(env, tmp_path / "worker.log", "--no-jobs", "--poll", "0.1")
    try:
        enqueue_many(env, 150)
        assert wait_until(lambda: smtp_server.received_count >= 10, timeout=60)
    finally:
        out, err = stop(worker, signal.SIGTERM, timeout=10)
    assert worker.returncode == 0, (tmp_path / "worker.log").read_text()
    stopped_at = smtp_server.received_count
    assert 10 <= stopped_at < 150
    state = outbox_state(env)
    assert "sending" not in state["counts"], "the rest of the batch was handed back"
    assert state["counts"]["sent"] == sent_count(out) == stopped_at

    smtp_server.delay = 0
    rest = kiosque(env, "worker", "--once", "--no-jobs")
    assert sent_count(rest.stdout) == 150 - stopped_at
    _assert_each_delivered_once(smtp_server, env, 150)


def test_sigterm_stops_an_idle_worker_within_seconds(env, tmp_path):
    worker = start_worker(env, tmp_path / "worker.log", "--poll", "30")
    time.sleep(0.3)  # into its idle wait
    signalled = time.monotonic()
    out, _ = stop(worker, signal.SIGTERM, timeout=5)
    assert worker.returncode == 0, (tmp_path / "worker.log").read_text()
    assert time.monotonic() - signalled < 5
    assert sent_count(out) == 0
    assert "worker stopped" in (tmp_path / "worker.log").read_text()


def test_killed_worker_at_least_once_boundary(env, smtp_server, tmp_path):
    """SIGKILL mid-batch: after the lease expires, everything is delivered; only the accepted
    messages not yet marked plus the one in flight (at most KIOSQUE_MAIL_MARK_EVERY) may arrive
    twice, with the same Message-ID."""
    smtp_server.delay = 0.02
    worker = start_worker(env, tmp_path / "worker.log", "--no-jobs", "--poll", "0.1")
    try:
        enqueue_many(env, 100)
        assert wait_until(lambda: smtp_server.received_count >= 10, timeout=60)
    finally:
        stop(worker, signal.SIGKILL)
    state = outbox_state(env)
    assert state["counts"].get("sending", 0) >= 1, "the crash left a claimed batch behind"

    smtp_server.delay = 0
    kiosque(env, "worker", "--once", "--no-jobs")
    assert outbox_state(env)["counts"].get("sending", 0) >= 1, "a live lease is not stolen"

    expire_leases(env)
    kiosque(env, "worker", "--once", "--no-jobs")
    state = outbox_state(env)
    assert state["counts"] == {"sent": 100}
    received = Counter(smtp_server.message_ids())
    assert set(received) == set(state["ids"])
    assert sum(received.values()) - 100 <= mark_every()
    assert all(count <= 2 for count in received.values())


def test_two_concurrent_workers_deliver_each_message_exactly_once(env, smtp_server, tmp_path):
    smtp_server.delay = 0.01
    workers = [
        start_worker(env, tmp_path / f"worker{i}.log", "--no-jobs", "--poll", "0.05")
        for i in range(2)
    ]
    try:
        enqueue_many(env, 200)
        assert wait_until(lambda: smtp_server.received_count >= 200, timeout=120)
        time.sleep(0.5)  # time for a double send to show up
    finally:
        outputs = [stop(worker, signal.SIGTERM, timeout=10) for worker in workers]
    for worker in workers:
        assert worker.returncode == 0
    counts = [sent_count(out) for out, _ in outputs]
    assert sum(counts) == 200
    assert min(counts) > 0, f"both workers took part: {counts}"
    _assert_each_delivered_once(smtp_server, env, 200)
