"""The provider on Authlib, over Kiosque's own tables (django-oauth-toolkit removed).

The clients' protocol data move from the toolkit's Application rows into oidc.Client; a
toolkit secret (a Django password hash) is kept as legacy_secret_hash and re-hashed at its
first successful use. Codes and tokens issued before the upgrade are not carried over (see
docs/operations.md): the old Authorization table is dropped, AuthorizationCode and Token
replace the toolkit's grant and token tables (dropped in 0004). Works without the toolkit
installed: its table is read with plain SQL when it exists.
"""

import secrets
import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import kiosque.oidc.models

DOT_APPLICATION_TABLE = "oauth2_provider_application"


def copy_clients_from_the_toolkit(apps, schema_editor):
    Client = apps.get_model("oidc", "Client")
    connection = schema_editor.connection
    rows = {}
    if DOT_APPLICATION_TABLE in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, client_id, client_secret, redirect_uris, post_logout_redirect_uris, "
                f"authorization_grant_type FROM {DOT_APPLICATION_TABLE}"
            )
            for row in cursor.fetchall():
                rows[row[0]] = row
    for client in Client.objects.all():
        row = rows.get(client.oauth_application_id)
        if row is None:  # cannot happen with the toolkit's foreign key; keep the row usable
            client.client_id = f"client-{client.pk}-{secrets.token_hex(4)}"
            client.save(update_fields=["client_id"])
            continue
        _id, client_id, secret, redirect_uris, post_logout, grant_type = row
        client.client_id = client_id
        client.legacy_secret_hash = secret or ""
        client.redirect_uris = (redirect_uris or "").split()
        client.post_logout_redirect_uris = (post_logout or "").split()
        client.grant_types = (
            ["client_credentials"]
            if grant_type == "client-credentials"
            else ["authorization_code", "refresh_token"]
        )
        client.save()


class Migration(migrations.Migration):

    dependencies = [
        ('oidc', '0002_french_token_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='client',
            name='client_id',
            field=models.CharField(default='', max_length=100, verbose_name='client_id'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='client',
            name='client_secret_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='client',
            name='legacy_secret_hash',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='client',
            name='redirect_uris',
            field=models.JSONField(default=list, verbose_name='adresses de retour (redirect_uri)'),
        ),
        migrations.AddField(
            model_name='client',
            name='post_logout_redirect_uris',
            field=models.JSONField(default=list, verbose_name='adresses après déconnexion'),
        ),
        migrations.AddField(
            model_name='client',
            name='grant_types',
            field=models.JSONField(default=kiosque.oidc.models.default_grant_types, verbose_name="types d'autorisation"),
        ),
        migrations.AddField(
            model_name='client',
            name='response_types',
            field=models.JSONField(default=kiosque.oidc.models.default_response_types, verbose_name='types de réponse'),
        ),
        migrations.RunPython(copy_clients_from_the_toolkit, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='client',
            name='client_id',
            field=models.CharField(max_length=100, unique=True, verbose_name='client_id'),
        ),
        migrations.RemoveField(
            model_name='client',
            name='oauth_application_id',
        ),
        migrations.DeleteModel(
            name='Authorization',
        ),
        migrations.CreateModel(
            name='AuthorizationCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_hash', models.CharField(max_length=64, unique=True)),
                ('redirect_uri', models.TextField()),
                ('scope', models.TextField()),
                ('nonce', models.CharField(blank=True, max_length=255)),
                ('code_challenge', models.CharField(blank=True, max_length=128)),
                ('code_challenge_method', models.CharField(blank=True, max_length=8)),
                ('family', models.UUIDField(default=uuid.uuid4, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('redeemed_at', models.DateTimeField(blank=True, null=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='oidc.client')),
                ('sign_in', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='codes', to='oidc.signin')),
            ],
            options={
                'verbose_name': "code d'autorisation",
                'verbose_name_plural': "codes d'autorisation",
            },
        ),
        migrations.CreateModel(
            name='Token',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('access_token_hash', models.CharField(max_length=64, unique=True)),
                ('refresh_token_hash', models.CharField(blank=True, max_length=64, null=True, unique=True)),
                ('family', models.UUIDField(blank=True, db_index=True, null=True)),
                ('scope', models.TextField()),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField()),
                ('refresh_expires_at', models.DateTimeField(blank=True, null=True)),
                ('rotated_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='oidc.client')),
                ('sign_in', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='oidc.signin')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='oidc_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'jeton émis',
                'verbose_name_plural': 'jetons émis',
            },
        ),
    ]
