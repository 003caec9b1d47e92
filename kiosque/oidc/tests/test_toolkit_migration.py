"""Upgrading from django-oauth-toolkit: its clients move into oidc.Client (0003), the legacy
secret is re-hashed at its first successful use, and the toolkit's tables go (0004)."""

import importlib

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection

from kiosque.oidc import tokens
from kiosque.oidc.models import Client
from kiosque.portal.models import Application

# The toolkit's table, named where the migration that reads it names it.
TOOLKIT_TABLE = importlib.import_module(
    "kiosque.oidc.migrations.0003_authlib_provider"
).DOT_APPLICATION_TABLE


@pytest.mark.django_db(transaction=True)
def test_toolkit_clients_are_moved_and_their_secret_rehashed_at_first_use():
    call_command("migrate", "oidc", "0002", verbosity=0)
    application = Application.objects.create(
        slug="dcc", name="DCC", launch_url="https://dcc.example.org/"
    )
    secret = "legacy-secret-of-the-toolkit"
    with connection.cursor() as cursor:
        # The toolkit's table, as far as 0003 reads it.
        cursor.execute(
            f"CREATE TABLE {TOOLKIT_TABLE} (id integer PRIMARY KEY, "
            "client_id varchar(100), client_secret varchar(255), redirect_uris text, "
            "post_logout_redirect_uris text, authorization_grant_type varchar(32))"
        )
        cursor.execute(
            f"INSERT INTO {TOOLKIT_TABLE} VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
            [7, "dcc-client", make_password(secret), "https://dcc.example.org/cb https://x/cb",
             "https://dcc.example.org/bye", "authorization-code"],
        )  # fmt: skip
        cursor.execute(
            "INSERT INTO oidc_client (application_id, oauth_application_id, "
            "token_endpoint_auth_method, jwks, id_token_signed_response_alg, "
            "backchannel_logout_uri, may_introspect_all, created_at) "
            "VALUES (%s, 7, 'client_secret_basic', '{}', 'RS256', '', %s, CURRENT_TIMESTAMP)",
            [application.pk, False],
        )
    call_command("migrate", verbosity=0)

    client = Client.objects.get()
    assert client.client_id == "dcc-client"
    assert client.redirect_uris == ["https://dcc.example.org/cb", "https://x/cb"]
    assert client.post_logout_redirect_uris == ["https://dcc.example.org/bye"]
    assert client.grant_types == ["authorization_code", "refresh_token"]
    assert client.legacy_secret_hash and not client.client_secret_hash
    assert TOOLKIT_TABLE not in connection.introspection.table_names()

    assert not client.check_client_secret("wrong")
    assert client.check_client_secret(secret)
    client.refresh_from_db()
    assert client.legacy_secret_hash == ""
    assert client.client_secret_hash == tokens.secret_hash(secret)
    assert client.check_client_secret(secret)
