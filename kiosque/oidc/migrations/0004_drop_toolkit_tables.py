"""Drop django-oauth-toolkit's tables, if they exist: their grants held codes in clear, and
nothing reads them any more (0003 copied the clients). Not reversible."""

from django.db import migrations

TOOLKIT_TABLES = (
    "oauth2_provider_accesstoken",
    "oauth2_provider_refreshtoken",
    "oauth2_provider_idtoken",
    "oauth2_provider_grant",
    "oauth2_provider_application",
)


def drop_toolkit_tables(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    cascade = " CASCADE" if connection.vendor == "postgresql" else ""
    for table in TOOLKIT_TABLES:
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}{cascade}")


class Migration(migrations.Migration):

    dependencies = [
        ('oidc', '0003_authlib_provider'),
    ]

    operations = [
        migrations.RunPython(drop_toolkit_tables, migrations.RunPython.noop),
    ]
