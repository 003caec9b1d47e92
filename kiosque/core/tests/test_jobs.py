"""Periodic jobs: a due job runs once per period, whichever worker claims it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kiosque.core import jobs
from kiosque.core.models import JobRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting_job():
    calls = []

    @jobs.periodic("tests.counting", every=timedelta(minutes=10))
    def count():
        calls.append(timezone.now())

    yield calls
    jobs.unregister("tests.counting")


def _job(name):
    return next(job for job in jobs.registered() if job.name == name)


def test_a_due_job_runs_once_per_period(counting_job):
    now = timezone.now()
    assert "tests.counting" in jobs.run_due(now=now)
    assert len(counting_job) == 1
    assert "tests.counting" not in jobs.run_due(now=now + timedelta(minutes=5))
    assert len(counting_job) == 1
    assert "tests.counting" in jobs.run_due(now=now + timedelta(minutes=10))
    assert len(counting_job) == 2
    run = JobRun.objects.get(name="tests.counting")
    assert run.runs == 2
    assert run.last_finished_at is not None
    assert run.last_error == ""


def test_two_claimers_one_run(counting_job):
    job = _job("tests.counting")
    now = timezone.now()
    assert jobs.claim(job, now) is True
    assert jobs.claim(job, now) is False
    assert jobs.claim(job, now + timedelta(minutes=9)) is False


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(counting_job):
    @jobs.periodic("tests.aaa_failing", every=timedelta(minutes=1))
    def failing():
        raise RuntimeError("boom")

    try:
        ran = jobs.run_due()
    finally:
        jobs.unregister("tests.aaa_failing")
    assert {"tests.aaa_failing", "tests.counting"} <= set(ran)
    assert len(counting_job) == 1
    assert JobRun.objects.get(name="tests.aaa_failing").last_error == "RuntimeError: boom"


def test_apps_jobs_modules_are_discovered():
    jobs.discover()
    names = {job.name for job in jobs.registered()}
    assert {"mail.purge_old_bodies", "mail.trim_dev_mailbox"} <= names


def test_a_period_must_be_positive():
    with pytest.raises(ValueError):
        jobs.periodic("tests.bad", every=timedelta(0))
