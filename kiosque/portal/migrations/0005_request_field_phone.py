from django.db import migrations, models

PHONE_PREFILLS = ("professional_phone", "mobile_phone")


def phone_fields(apps, schema_editor):
    """A text question prefilled with a profile phone asks for a phone number: check it as one."""
    RequestField = apps.get_model("portal", "RequestField")
    RequestField.objects.filter(kind="text", prefill__in=PHONE_PREFILLS).update(kind="phone")


def text_fields(apps, schema_editor):
    RequestField = apps.get_model("portal", "RequestField")
    RequestField.objects.filter(kind="phone").update(kind="text")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_dcc_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="requestfield",
            name="kind",
            field=models.CharField(
                choices=[
                    ("text", "texte"),
                    ("phone", "numéro de téléphone"),
                    ("choice", "choix"),
                    ("yes_no", "oui / non"),
                ],
                default="text",
                max_length=10,
                verbose_name="type",
            ),
        ),
        migrations.RunPython(phone_fields, text_fields),
    ]
