# The proxies this migration created over django-oauth-toolkit's token tables are gone with
# the toolkit (0003 replaces the tables): kept empty so that the migration history holds.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('oidc', '0001_initial'),
    ]

    operations = []
