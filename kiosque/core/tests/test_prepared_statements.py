"""PostgreSQL plans a repeated statement once per connection (KIOSQUE_DB_PREPARED_STATEMENTS):
the hot paths' statements run as prepared statements from their second run."""

import pytest
from django.db import connection

from kiosque.oidc import lookup
from kiosque.testing.processes import clean_env, run_kiosque


@pytest.mark.django_db
def test_a_repeated_statement_runs_prepared_on_postgresql():
    for _ in range(3):
        assert lookup.by_access_token("0" * 64, places=True) is None
    if connection.vendor == "sqlite":
        # SQLite keeps its own statement cache; the option is PostgreSQL's alone.
        assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        (prepared,) = cursor.fetchone()
    assert prepared >= 1
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "{'server_side_binding': True, 'prepare_threshold': 2}"), ("false", "{}")],
)
def test_the_option_is_on_by_default_and_can_be_turned_off(tmp_path, value, expected):
    env = clean_env(
        tmp_path,
        DATABASE_URL="postgres://kiosque@127.0.0.1:5432/kiosque",
        KIOSQUE_DB_PREPARED_STATEMENTS=value,
    )
    code = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))"
    result = run_kiosque("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
