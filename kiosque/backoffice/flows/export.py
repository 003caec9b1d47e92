"""The queue as a CSV file for Excel: UTF-8 with BOM, ";" separator, and cells that would be
read as formulas (= + - @, tab, carriage return) prefixed with a quote."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [
        _("N° de demande"),
        _("Date de la demande"),
        _("Statut"),
        _("Nom d'usage"),
        _("Nom de naissance"),
        _("Prénom"),
        _("Profession"),
        _("Spécialité"),
        _("N° RPPS"),
        _("N° ADELI"),
        _("Mail pour l'authentification"),
        _("Téléphone mobile"),
        _("Établissements"),
        _("Doublon probable"),
    ]


def row(registration) -> list:
    return [
        registration.pk,
        timezone.localtime(registration.created_at).strftime("%d/%m/%Y %H:%M"),
        registration.get_status_display(),
        registration.last_name,
        registration.birth_name,
        registration.first_name,
        registration.profession,
        registration.specialty or "",
        registration.rpps,
        registration.adeli,
        registration.email_auth,
        registration.phone_mobile,
        " | ".join(
            f"{place.name} ({place.finess})" if place.finess else place.name
            for place in registration.establishments.all()
        ),
        _("oui") if registration.probable_duplicate else _("non"),
    ]


def queue_csv(registrations) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header()])
    for registration in registrations:
        writer.writerow([safe_cell(cell) for cell in row(registration)])
    return buffer.getvalue()
