"""The periodic-job ledger moved from mail to core with its rows."""

import pytest
from django.core.management import call_command
from django.db import connection

from kiosque.core.models import JobRun


@pytest.mark.django_db(transaction=True)
def test_job_runs_are_kept_when_the_ledger_moves_to_core():
    call_command("migrate", "mail", "0001", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mail_jobrun (name, next_run_at, last_error, runs) "
            "VALUES ('accounts.purge_stale_sessions', '2026-12-01 10:00:00+00:00', '', 41)"
        )
    call_command("migrate", verbosity=0)
    run = JobRun.objects.get(name="accounts.purge_stale_sessions")
    assert run.runs == 41
    tables = connection.introspection.table_names()
    assert "core_jobrun" in tables and "mail_jobrun" not in tables
