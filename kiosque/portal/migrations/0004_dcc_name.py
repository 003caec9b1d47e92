"""The DCC's one name, "Dossier Communicant de Cancérologie", in the catalogue already stored
(the demo data of earlier versions spelt it two other ways), and "conditions d'utilisation"."""

from django.db import migrations, models

CORRECTIONS = (
    ("Dossier Communiquant Cancérologie", "Dossier Communicant de Cancérologie"),
    ("Dossier Communicant en Cancérologie", "Dossier Communicant de Cancérologie"),
    ("conditions d'utilisations", "conditions d'utilisation"),
)
APPLICATION_FIELDS = ("long_name", "description", "request_title", "request_note", "terms_note")


def corrected(text: str) -> str:
    for wrong, right in CORRECTIONS:
        text = text.replace(wrong, right)
    return text


def correct_stored_texts(apps, schema_editor):
    for model_name, fields in (
        ("Application", APPLICATION_FIELDS),
        ("RequestField", ("label", "help_text")),
    ):
        model = apps.get_model("portal", model_name)
        for row in model.objects.all():
            changed = [f for f in fields if corrected(getattr(row, f)) != getattr(row, f)]
            for field in changed:
                setattr(row, field, corrected(getattr(row, field)))
            if changed:
                row.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_initiate_login_uri"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="request_title",
            field=models.CharField(
                blank=True,
                help_text="Par exemple « Inscription au Dossier Communicant de Cancérologie ».",
                max_length=200,
                verbose_name="titre de la page de demande",
            ),
        ),
        migrations.RunPython(correct_stored_texts, migrations.RunPython.noop, elidable=True),
    ]
