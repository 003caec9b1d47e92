"""Periodic jobs: a tiny registry run by `kiosque worker` between delivery passes.

    from datetime import timedelta
    from kiosque.core.jobs import periodic

    @periodic("accounts.expire_sessions", every=timedelta(hours=1))
    def expire_sessions():
        ...

Put such functions in `kiosque/<app>/jobs.py`; the worker imports every app's `jobs` module.
Each run is claimed in the JobRun ledger with a conditional UPDATE
(`... SET next_run_at = now + every WHERE name = ? AND next_run_at <= now`), so when several
workers run (several nodes) a job runs once per period, by whichever worker claims it first.
A job that raises is logged and retried at its next period; it never stops the worker.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger("kiosque.jobs")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    func: Callable[[], object]


_registry: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta):
    """Register the decorated function as the job `name`, due every `every`."""
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive period.")

    def register(func):
        _registry[name] = PeriodicJob(name=name, every=every, func=func)
        return func

    return register


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registered() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


def discover() -> None:
    """Import `jobs` modules of every installed app (they register themselves)."""
    autodiscover_modules("jobs")


def claim(job: PeriodicJob, now: datetime | None = None) -> bool:
    """Take this period's run of `job`; False when it is not due or another worker took it."""
    from kiosque.core.models import JobRun

    now = now or timezone.now()
    JobRun.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    taken = JobRun.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_started_at=now, runs=F("runs") + 1
    )
    return taken == 1


def run(job: PeriodicJob) -> bool:
    """Run a claimed job; returns whether it succeeded."""
    from kiosque.core.models import JobRun

    error = ""
    try:
        job.func()
    except Exception as exc:  # noqa: BLE001 - a failing job must not stop the worker
        logger.exception("job failed name=%s", job.name)
        error = f"{type(exc).__name__}: {exc}"[:1000]
    JobRun.objects.filter(name=job.name).update(last_finished_at=timezone.now(), last_error=error)
    if not error:
        logger.info("job done name=%s", job.name)
    return not error


def run_due(
    now: datetime | None = None, should_stop: Callable[[], bool] = lambda: False
) -> list[str]:
    """Run every registered job that is due and that this worker claims; returns their names."""
    ran = []
    for job in registered():
        if should_stop():
            break
        if claim(job, now):
            run(job)
            ran.append(job.name)
    return ran


@periodic("core.purge_rate_limits", every=timedelta(hours=1))
def purge_rate_limits() -> int:
    from kiosque.core import ratelimit

    return ratelimit.purge()
