"""The two old limiter tables became one: LoginThrottle rows move into RateLimitCounter."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from kiosque.core.models import RateLimitCounter


@pytest.mark.django_db(transaction=True)
def test_login_throttle_rows_are_kept_in_the_one_table():
    call_command("migrate", "core", "0002", verbosity=0)
    call_command("migrate", "accounts", "0003", verbosity=0)
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_loginthrottle (key, failures, last_failure_at, locked_until) "
            "VALUES (%s, %s, %s, %s), (%s, %s, %s, %s)",
            ["user:7", 4, now, None, "ip:10.0.0.9", 0, None, now + timedelta(minutes=10)],
        )
    call_command("migrate", verbosity=0)
    account = RateLimitCounter.objects.get(key="login.account:user:7")
    assert account.count == 4 and account.last_hit_at == now
    assert account.expires_at == now + timedelta(hours=24)
    address = RateLimitCounter.objects.get(key="login.ip:ip:10.0.0.9")
    assert address.locked_until == now + timedelta(minutes=10)
    assert "accounts_loginthrottle" not in connection.introspection.table_names()
