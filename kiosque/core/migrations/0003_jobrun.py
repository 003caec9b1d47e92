# The periodic-job ledger, moved from mail (mail's migration 0002 renamed its table to
# core_jobrun, rows included): only the migration state changes here.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_rate_limit_failures'),
        ('mail', '0002_jobrun_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, unique=True, verbose_name='tâche')),
                        ('next_run_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='prochaine exécution')),
                        ('last_started_at', models.DateTimeField(blank=True, null=True, verbose_name='dernier début')),
                        ('last_finished_at', models.DateTimeField(blank=True, null=True, verbose_name='dernière fin')),
                        ('last_error', models.TextField(blank=True, verbose_name='dernière erreur')),
                        ('runs', models.PositiveIntegerField(default=0, verbose_name='exécutions')),
                    ],
                    options={
                        'verbose_name': 'tâche périodique',
                        'verbose_name_plural': 'tâches périodiques',
                        'ordering': ['name'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
