"""Loads the reference tables shipped in kiosque/directory/data/ (NOS tables, départements)."""

from django.db import migrations


def load(apps, schema_editor):
    from kiosque.directory.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
