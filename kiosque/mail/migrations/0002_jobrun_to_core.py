# The periodic-job ledger moves to core, beside core/jobs.py. The table is renamed (its rows
# are kept); core's migration 0003 takes the model over in the migration state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='JobRun', table='core_jobrun'),
            ],
            state_operations=[
                migrations.DeleteModel(name='JobRun'),
            ],
        ),
    ]
